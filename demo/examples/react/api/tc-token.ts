// A Next.js route handler (app/api/tc-token/route.ts): the same file works unchanged in a Next.js app.
import { createFetchTokenHandler } from '@tc-embed/node';
import { currentUser } from '../../../lib/session';
import { tc } from '../../../lib/tc-embed';

export const POST = createFetchTokenHandler(tc, async (request) => {
  const user = await currentUser(request);
  return user ? { distinctId: user.id, attributes: { region: user.region } } : null;
});
