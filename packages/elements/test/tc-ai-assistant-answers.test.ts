import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import sinon from 'sinon';
import '../src/assistant/tc-ai-assistant.js';
import type { TcAiAssistant } from '../src/assistant/tc-ai-assistant.js';
import { MockServer, SERVER_URL } from './helpers/mock-server.js';

function part(el: Element, name: string): HTMLElement | null {
  return el.shadowRoot!.querySelector(`[part~="${name}"]`);
}

function parts(el: Element, name: string): HTMLElement[] {
  return [...el.shadowRoot!.querySelectorAll<HTMLElement>(`[part~="${name}"]`)];
}

async function ready(el: TcAiAssistant): Promise<void> {
  await waitUntil(() => (part(el, 'input') as HTMLTextAreaElement | null)?.disabled === false, 'the assistant did not become ready', { timeout: 5000 });
}

async function ask(el: TcAiAssistant, question: string): Promise<void> {
  const input = part(el, 'input') as HTMLTextAreaElement;
  input.value = question;
  input.dispatchEvent(new Event('input'));
  await el.updateComplete;
  input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, composed: true }));
}

const event = (name: string, data: unknown) => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;

const BY_REGION = {
  conversationId: 'conv_1',
  query: { table: 'sales', measures: [{ key: 'revenue', aggregate: 'sum', column: 'revenue' }], dimensions: [{ key: 'region', column: 'region' }] },
  explanation: 'I calculated total revenue for each region from the Sales table over all the rows you can see.',
  columns: [
    { key: 'region', label: 'Region', type: 'string', role: 'dimension', format: 'text' },
    { key: 'revenue', label: 'Revenue', type: 'number', role: 'measure', format: 'currency' },
  ],
  rows: [
    { region: 'Europe', revenue: 1200 },
    { region: 'Asia Pacific', revenue: 800 },
  ],
  rowCount: 2,
  truncated: false,
  chart: { type: 'bar', title: 'Revenue by region', x: 'region', y: ['revenue'] },
  engine: 'embedded',
};

const TOTAL = {
  ...BY_REGION,
  query: { table: 'sales', measures: [{ key: 'revenue', aggregate: 'sum', column: 'revenue' }] },
  columns: [BY_REGION.columns[1]],
  rows: [{ revenue: 2000 }],
  rowCount: 1,
  chart: { type: 'kpi', title: 'Revenue' },
};

describe('<tc-ai-assistant> answers', () => {
  let server: MockServer;
  const bodies: { message: string; conversationId?: string }[] = [];

  beforeEach(() => {
    server = new MockServer();
    bodies.length = 0;
    server.assistant = (body) => {
      bodies.push(body as (typeof bodies)[number]);
      const result = (body as { message: string }).message.startsWith('Total') ? TOTAL : BY_REGION;
      return {
        status: 200,
        stream: [event('delta', { text: 'Revenue by region:\n' }), event('delta', { text: '• Europe: $1,200' }), event('result', result), event('done', { conversationId: 'conv_1' })],
      };
    };
  });
  afterEach(() => {
    server.restore();
    sinon.restore();
  });

  it('draws a bar answer with the tile renderers, its numbers in a table for screen readers, and the query in plain words', async () => {
    const el = await fixture<TcAiAssistant>(html`<tc-ai-assistant server-url=${SERVER_URL} auth-token=${server.issue()}></tc-ai-assistant>`);
    await ready(el);
    await ask(el, 'Revenue by region');
    await waitUntil(() => part(el, 'answer'), 'no answer drawn', { timeout: 5000 });
    expect(part(el, 'answer-title')!.textContent).to.equal('Revenue by region');
    await waitUntil(() => (part(el, 'chart')?.querySelector('canvas')?.width ?? 0) > 0, 'no chart drawn', { timeout: 5000 });
    const cells = [...part(el, 'answer')!.querySelectorAll('tbody td')].map((cell) => cell.textContent!.trim());
    expect(cells[0]).to.equal('Europe');
    expect(cells).to.have.length(4);
    const explanation = part(el, 'explanation') as HTMLDetailsElement;
    expect(explanation.open).to.equal(false);
    expect(explanation.querySelector('summary')!.textContent).to.contain('How this was answered');
    expect(explanation.textContent).to.contain('total revenue for each region');
    expect(part(el, 'assistant-message')!.textContent).to.contain('• Europe: $1,200');
    await expect(el).to.be.accessible();
  });

  it('switches a chart to its rows as a visible table and back, from the keyboard', async () => {
    const el = await fixture<TcAiAssistant>(html`<tc-ai-assistant server-url=${SERVER_URL} auth-token=${server.issue()}></tc-ai-assistant>`);
    await ready(el);
    await ask(el, 'Revenue by region');
    await waitUntil(() => (part(el, 'chart')?.querySelector('canvas')?.width ?? 0) > 0, 'no chart drawn', { timeout: 5000 });
    const toggle = part(el, 'view-toggle')!;
    expect(toggle.getAttribute('role')).to.equal('group');
    expect(toggle.getAttribute('aria-label')).to.equal('Show Revenue by region as');
    const [chartButton, tableButton] = parts(el, 'view-button');
    expect(chartButton!.textContent!.trim()).to.equal('Chart');
    expect(chartButton!.getAttribute('aria-pressed')).to.equal('true');
    expect(tableButton!.getAttribute('aria-pressed')).to.equal('false');
    expect(part(el, 'answer')!.querySelector('.table-scroll'), 'the table is for screen readers only at first').to.equal(null);

    tableButton!.focus();
    await sendKeys({ press: 'Enter' });
    await el.updateComplete;
    expect(part(el, 'chart'), 'the chart gives way to the table').to.equal(null);
    const visible = part(el, 'answer')!.querySelector<HTMLElement>('.table-scroll')!;
    expect(visible.closest('.sr-only')).to.equal(null);
    expect(visible.getBoundingClientRect().height).to.be.greaterThan(0);
    expect([...visible.querySelectorAll('tbody td')].map((cell) => cell.textContent!.trim())).to.deep.equal(['Europe', '$1,200', 'Asia Pacific', '$800']);
    expect(parts(el, 'view-button').map((button) => button.getAttribute('aria-pressed'))).to.deep.equal(['false', 'true']);
    await expect(el).to.be.accessible();

    parts(el, 'view-button')[0]!.focus();
    await sendKeys({ press: 'Space' });
    await waitUntil(() => (part(el, 'chart')?.querySelector('canvas')?.width ?? 0) > 0, 'the chart was not drawn again', { timeout: 5000 });
    expect(parts(el, 'view-button').map((button) => button.getAttribute('aria-pressed'))).to.deep.equal(['true', 'false']);
  });

  it('switches a one-number answer to a table too', async () => {
    const el = await fixture<TcAiAssistant>(html`<tc-ai-assistant server-url=${SERVER_URL} auth-token=${server.issue()}></tc-ai-assistant>`);
    await ready(el);
    await ask(el, 'Total revenue');
    await waitUntil(() => part(el, 'kpi-value'), 'no KPI', { timeout: 5000 });
    const [numberButton, tableButton] = parts(el, 'view-button');
    expect(numberButton!.textContent!.trim()).to.equal('Number');
    tableButton!.click();
    await el.updateComplete;
    expect(part(el, 'kpi-value')).to.equal(null);
    const table = part(el, 'answer')!.querySelector('.table-scroll table')!;
    expect(table.querySelector('th')!.textContent).to.equal('Revenue');
    expect(table.querySelector('td')!.textContent).to.equal('$2,000');
    await expect(el).to.be.accessible();
  });

  it('shows a one-number answer as a KPI', async () => {
    const el = await fixture<TcAiAssistant>(html`<tc-ai-assistant server-url=${SERVER_URL} auth-token=${server.issue()}></tc-ai-assistant>`);
    await ready(el);
    await ask(el, 'Total revenue');
    await waitUntil(() => part(el, 'kpi-value'), 'no KPI', { timeout: 5000 });
    expect(part(el, 'kpi-value')!.textContent).to.equal('$2,000');
  });

  it('offers suggested questions before the first one and asks one when chosen with the keyboard', async () => {
    server.suggestions = ['Total revenue by region', 'Revenue per month'];
    const el = await fixture<TcAiAssistant>(html`<tc-ai-assistant server-url=${SERVER_URL} auth-token=${server.issue()}></tc-ai-assistant>`);
    await ready(el);
    await waitUntil(() => parts(el, 'suggestion').length === 2, 'no suggestions', { timeout: 5000 });
    expect(parts(el, 'suggestion').map((button) => button.textContent)).to.deep.equal(['Total revenue by region', 'Revenue per month']);
    parts(el, 'suggestion')[1]!.focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => bodies.length === 1, 'the suggestion was not asked', { timeout: 5000 });
    expect(bodies[0]).to.deep.equal({ message: 'Revenue per month' });
    await waitUntil(() => part(el, 'answer'), 'no answer', { timeout: 5000 });
    expect(parts(el, 'suggestion')).to.have.length(0);
  });

  it('shows no suggestions, and no error, when the server has none', async () => {
    const errors: Event[] = [];
    document.addEventListener('tc-error', (e) => errors.push(e));
    const el = await fixture<TcAiAssistant>(html`<tc-ai-assistant server-url=${SERVER_URL} auth-token=${server.issue()}></tc-ai-assistant>`);
    await ready(el);
    await waitUntil(() => server.count('/embed/assistant/suggestions') === 1, 'suggestions not requested', { timeout: 5000 });
    await el.updateComplete;
    expect(part(el, 'suggestions')).to.equal(null);
    expect(part(el, 'error')).to.equal(null);
    expect(errors).to.have.length(0);
  });

  it('copies the answer with its rows, tab-separated', async () => {
    const writeText = sinon.stub().resolves();
    sinon.stub(navigator, 'clipboard').get(() => ({ writeText }));
    const el = await fixture<TcAiAssistant>(html`<tc-ai-assistant server-url=${SERVER_URL} auth-token=${server.issue()}></tc-ai-assistant>`);
    await ready(el);
    await ask(el, 'Revenue by region');
    await waitUntil(() => part(el, 'copy-button'), 'no copy button', { timeout: 5000 });
    part(el, 'copy-button')!.click();
    await waitUntil(() => writeText.called, 'nothing copied', { timeout: 5000 });
    expect(writeText.firstCall.args[0]).to.equal('Revenue by region:\n• Europe: $1,200\n\nRegion\tRevenue\nEurope\t$1,200\nAsia Pacific\t$800');
    await waitUntil(() => el.shadowRoot!.querySelector('.copy-status')?.textContent?.includes('Copied'), 'no confirmation', { timeout: 5000 });
  });

  it('asks the same question again in the same conversation', async () => {
    const el = await fixture<TcAiAssistant>(html`<tc-ai-assistant server-url=${SERVER_URL} auth-token=${server.issue()}></tc-ai-assistant>`);
    await ready(el);
    await ask(el, 'Revenue by region');
    await waitUntil(() => part(el, 'ask-again-button') && !(part(el, 'ask-again-button') as HTMLButtonElement).disabled, 'no ask-again button', { timeout: 5000 });
    part(el, 'ask-again-button')!.click();
    await waitUntil(() => bodies.length === 2, 'not asked again', { timeout: 5000 });
    expect(bodies[1]).to.deep.equal({ message: 'Revenue by region', conversationId: 'conv_1' });
    await waitUntil(() => parts(el, 'answer').length === 2, 'second answer not drawn', { timeout: 5000 });
  });

  it('asks the failed question again from "Try again"', async () => {
    let calls = 0;
    const working = server.assistant!;
    server.assistant = (body) => (++calls === 1 ? { status: 200, stream: [event('error', { code: 'query_timeout', message: 'The data took too long.' })] } : working(body));
    const el = await fixture<TcAiAssistant>(html`<tc-ai-assistant server-url=${SERVER_URL} auth-token=${server.issue()}></tc-ai-assistant>`);
    await ready(el);
    await ask(el, 'Revenue by region');
    await waitUntil(() => part(el, 'retry-button'), 'no retry button', { timeout: 5000 });
    part(el, 'retry-button')!.click();
    await waitUntil(() => part(el, 'answer'), 'no answer after retrying', { timeout: 5000 });
    expect(bodies.map((body) => body.message)).to.deep.equal(['Revenue by region']);
    expect(part(el, 'error')).to.equal(null);
  });
});
