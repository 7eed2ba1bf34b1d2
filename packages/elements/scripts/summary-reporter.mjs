// A web-test-runner reporter that writes {passed, failed, skipped} to $TC_WTR_SUMMARY, so `npm test` reads the
// counts instead of trusting an exit code. A test file that fails to load counts as one failure.
import { writeFileSync } from 'node:fs';

function countSuite(suite, counts) {
  for (const test of suite.tests ?? []) {
    if (test.skipped) counts.skipped++;
    else if (test.passed) counts.passed++;
    else counts.failed++;
  }
  for (const child of suite.suites ?? []) countSuite(child, counts);
}

export function summaryReporter() {
  return {
    onTestRunFinished({ sessions }) {
      const target = process.env.TC_WTR_SUMMARY;
      if (!target) return;
      const counts = { passed: 0, failed: 0, skipped: 0 };
      for (const session of sessions) {
        const before = counts.passed + counts.failed + counts.skipped;
        if (session.testResults) countSuite(session.testResults, counts);
        const ranNone = counts.passed + counts.failed + counts.skipped === before;
        if (!session.passed && (ranNone || (session.errors ?? []).length > 0)) counts.failed++;
      }
      writeFileSync(target, JSON.stringify(counts));
    },
  };
}
