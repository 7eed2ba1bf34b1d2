import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import '../src/assistant/tc-ai-assistant.js';
import type { TcAiAssistant } from '../src/assistant/tc-ai-assistant.js';
import { MockServer, SERVER_URL } from './helpers/mock-server.js';

function part(el: Element, name: string): HTMLElement | null {
  return el.shadowRoot!.querySelector(`[part~="${name}"]`);
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

describe('<tc-ai-assistant>', () => {
  let server: MockServer;

  beforeEach(() => {
    server = new MockServer();
  });

  afterEach(() => server.restore());

  it('is accessible', async () => {
    const el = await fixture<TcAiAssistant>(html`<tc-ai-assistant server-url=${SERVER_URL} auth-token=${server.issue()}></tc-ai-assistant>`);
    await ready(el);
    await expect(el).to.be.accessible();
    el.dataset.theme = 'dark';
    await expect(el).to.be.accessible();
  });

  it('reads the vendor snippet attributes and fires tc-ready', async () => {
    const token = server.issue(3600, 'eu-user');
    const readyEvent = oneEvent(document, 'tc-ready');
    const el = await fixture<TcAiAssistant>(html`<tc-ai-assistant server-url=${SERVER_URL} auth-token=${token}></tc-ai-assistant>`);
    expect(el.authToken).to.equal(token);
    expect(el.serverUrl).to.equal(SERVER_URL);
    const event = await readyEvent;
    expect(event.target).to.equal(el);
    expect(event.detail.user.distinctId).to.equal('eu-user');
  });

  it('posts the question and renders the streamed deltas', async () => {
    let received: unknown;
    server.assistant = (body) => {
      received = body;
      return {
        status: 200,
        stream: ['event: delta\ndata: {"text":"Europe sold "}\n\n', 'event: delta\ndata: {"text":"the most."}\n\nevent: done\ndata: {"conversationId":"c1"}\n\n'],
      };
    };
    const el = await fixture<TcAiAssistant>(html`<tc-ai-assistant server-url=${SERVER_URL} auth-token=${server.issue()}></tc-ai-assistant>`);
    await ready(el);
    await ask(el, 'Which region sold the most?');
    await waitUntil(() => part(el, 'assistant-message')?.textContent?.includes('Europe sold the most.'), 'no streamed answer', { timeout: 5000 });
    expect(received).to.deep.equal({ message: 'Which region sold the most?' });
    expect(part(el, 'user-message')!.textContent).to.contain('Which region sold the most?');
    const request = server.requests.find((r) => r.path === '/embed/assistant/messages')!;
    expect(request.method).to.equal('POST');
    expect(request.token).to.equal(el.authToken);
    // The conversation goes on with the id the server gave.
    await ask(el, 'And the least?');
    await waitUntil(() => (received as { conversationId?: string }).conversationId === 'c1', 'conversationId not sent', { timeout: 5000 });
  });

  it('asks a question sent while the previous answer still streams once that answer ends, in the same conversation', async () => {
    const received: { message: string; conversationId?: string }[] = [];
    let finishFirst!: () => void;
    const firstHeld = new Promise<void>((resolve) => (finishFirst = resolve));
    server.assistant = (body) => {
      received.push(body as { message: string; conversationId?: string });
      return received.length === 1
        ? { status: 200, stream: ['event: delta\ndata: {"text":"Europe sold the most."}\n\n', firstHeld, 'event: done\ndata: {"conversationId":"c1"}\n\n'] }
        : { status: 200, stream: ['event: delta\ndata: {"text":"Latin America sold the least."}\n\nevent: done\ndata: {"conversationId":"c1"}\n\n'] };
    };
    const el = await fixture<TcAiAssistant>(html`<tc-ai-assistant server-url=${SERVER_URL} auth-token=${server.issue()}></tc-ai-assistant>`);
    await ready(el);
    await ask(el, 'Which region sold the most?');
    await waitUntil(() => part(el, 'assistant-message')?.textContent?.includes('Europe sold the most.'), 'no first answer', { timeout: 5000 });

    await ask(el, 'And the least?');
    await el.updateComplete;
    expect(part(el, 'queued-message')!.textContent).to.contain('And the least?');
    expect((part(el, 'input') as HTMLTextAreaElement).value).to.equal('', 'the draft was taken');
    expect(received).to.have.length(1, 'not sent before the first answer ends');

    finishFirst();
    await waitUntil(() => el.shadowRoot!.querySelectorAll('[part~="assistant-message"]')[1]?.textContent?.includes('Latin America'), 'the waiting question was not asked', { timeout: 5000 });
    expect(received[1]).to.deep.equal({ message: 'And the least?', conversationId: 'c1' });
    expect(part(el, 'queued-message')).to.equal(null);
    await expect(el).to.be.accessible();
  });

  it('gives a waiting question back to the draft when the answer before it is stopped', async () => {
    server.assistant = () => ({ status: 200, stream: ['event: delta\ndata: {"text":"Working"}\n\n', new Promise(() => {})] });
    const el = await fixture<TcAiAssistant>(html`<tc-ai-assistant server-url=${SERVER_URL} auth-token=${server.issue()}></tc-ai-assistant>`);
    await ready(el);
    await ask(el, 'Which region sold the most?');
    await waitUntil(() => part(el, 'stop-button'), 'no stop button while streaming', { timeout: 5000 });
    await ask(el, 'And the least?');
    await el.updateComplete;
    part(el, 'stop-button')!.click();
    await el.updateComplete;
    expect(part(el, 'queued-message')).to.equal(null);
    expect((part(el, 'input') as HTMLTextAreaElement).value).to.equal('And the least?');
    expect(server.count('/embed/assistant/messages', 'POST')).to.equal(1);
  });

  it('shows a missing assistant endpoint (404) as an actionable error, not a crash', async () => {
    const el = await fixture<TcAiAssistant>(html`<tc-ai-assistant server-url=${SERVER_URL} auth-token=${server.issue()}></tc-ai-assistant>`);
    await ready(el);
    const error = oneEvent(el, 'tc-error');
    await ask(el, 'Hello?');
    const { detail } = await error;
    expect(detail.code).to.equal('not_found');
    expect(detail.message).to.contain('not available on this tc-embed server').and.contain('No route POST /embed/assistant/messages');
    await el.updateComplete;
    expect(part(el, 'error')!.getAttribute('role')).to.equal('alert');
    expect(part(el, 'assistant-message')).to.equal(null);
    expect((part(el, 'input') as HTMLTextAreaElement).disabled).to.equal(false);
  });

  it('shows an error event sent in the stream', async () => {
    server.assistant = () => ({ status: 200, stream: ['event: error\ndata: {"code":"service_unavailable","message":"The model is busy; retry shortly."}\n\n'] });
    const el = await fixture<TcAiAssistant>(html`<tc-ai-assistant server-url=${SERVER_URL} auth-token=${server.issue()}></tc-ai-assistant>`);
    await ready(el);
    const error = oneEvent(el, 'tc-error');
    await ask(el, 'Hello?');
    expect((await error).detail).to.deep.equal({ code: 'service_unavailable', message: 'The model is busy; retry shortly.' });
  });

  it('shows session failures and keeps the input disabled', async () => {
    server.corsRefused = true;
    const error = oneEvent(document, 'tc-error');
    const el = await fixture<TcAiAssistant>(html`<tc-ai-assistant server-url=${SERVER_URL} auth-token=${server.issue()}></tc-ai-assistant>`);
    expect((await error).detail.code).to.equal('origin_not_authorized');
    await waitUntil(() => part(el, 'error'), 'no error shown', { timeout: 5000 });
    expect(part(el, 'error')!.textContent).to.contain(location.origin);
    expect((part(el, 'input') as HTMLTextAreaElement).disabled).to.equal(true);
  });
});
