import { expect, fixture, html } from '@open-wc/testing';
import '../src/assistant/tc-ai-assistant.js';
import '../src/dashboard/tc-dashboard.js';
import { MockServer, SERVER_URL, sampleDashboard } from './helpers/mock-server.js';

const DARK_BACKGROUND = 'rgb(13, 17, 23)';
const LIGHT_BACKGROUND = 'rgb(255, 255, 255)';

// `theme` is the property of the data-theme attribute: setting either one (a framework sets properties) themes.
for (const tag of ['tc-dashboard', 'tc-ai-assistant'] as const) {
  describe(`<${tag}> theme property`, () => {
    let server: MockServer;

    beforeEach(() => {
      server = new MockServer();
      server.dashboards.set('sales', sampleDashboard());
    });

    afterEach(() => server.restore());

    it('switches the colors when set, and back', async () => {
      const el = document.createElement(tag);
      el.setAttribute('server-url', SERVER_URL);
      el.setAttribute('auth-token', server.issue());
      if (tag === 'tc-dashboard') el.setAttribute('dashboard-id', 'sales');
      await fixture(el);
      expect(getComputedStyle(el).backgroundColor).to.equal(LIGHT_BACKGROUND);
      el.theme = 'dark';
      await el.updateComplete;
      expect(el.getAttribute('data-theme')).to.equal('dark');
      expect(getComputedStyle(el).backgroundColor).to.equal(DARK_BACKGROUND);
      el.theme = 'light';
      await el.updateComplete;
      expect(getComputedStyle(el).backgroundColor).to.equal(LIGHT_BACKGROUND);
    });

    it('still follows the attribute, and the property reads it', async () => {
      const el = await fixture(html`<div></div>`);
      el.innerHTML = `<${tag} data-theme="dark" server-url="${SERVER_URL}"></${tag}>`;
      const element = el.firstElementChild as HTMLElementTagNameMap[typeof tag];
      await element.updateComplete;
      expect(element.theme).to.equal('dark');
      expect(getComputedStyle(element).backgroundColor).to.equal(DARK_BACKGROUND);
    });
  });
}
