// The host page: it never sees the API key. It asks its own backend (/api/embed-token) for tokens and gives the
// elements a fetchToken callback; switching user or lifetime mounts the elements again with a new callback.
const serverUrl = document.querySelector('meta[name="tc-server-url"]').content;
const userSelect = document.getElementById('user');
const lifetimeSelect = document.getElementById('lifetime');
const themeSelect = document.getElementById('theme');
const log = document.getElementById('log');
let mintCount = 0;

function addLog(type, detail) {
  const item = document.createElement('li');
  item.className = type;
  item.dataset.event = type;
  item.textContent = `${new Date().toLocaleTimeString()}  ${type}  ${detail === undefined ? '' : JSON.stringify(detail)}`;
  log.prepend(item);
}

for (const type of ['tc-ready', 'tc-token-refreshed', 'tc-token-expired', 'tc-error']) {
  document.addEventListener(type, (event) => addLog(type, { element: event.target.localName, ...event.detail }));
}

async function mint(user, expiresIn) {
  const response = await fetch('/api/embed-token', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user, expiresIn }),
  });
  const body = await response.json();
  if (!response.ok) throw new Error(body.error?.message ?? `token endpoint answered ${response.status}`);
  mintCount += 1;
  addLog('host-minted-token', { number: mintCount, user, expiresIn, expiresAt: body.expiresAt });
  return body.token;
}

async function mount() {
  const user = userSelect.value;
  const expiresIn = lifetimeSelect.value;
  // One callback per signed-in user and lifetime: every element using it shares one session and one refresh.
  const fetchToken = () => mint(user, expiresIn);
  let firstToken = '';
  try {
    firstToken = await fetchToken();
  } catch (error) {
    addLog('host-error', { message: error.message });
  }
  const dashboard = document.createElement('tc-dashboard');
  dashboard.setAttribute('dashboard-id', 'sales');
  dashboard.setAttribute('server-url', serverUrl);
  dashboard.setAttribute('data-theme', themeSelect.value);
  if (firstToken) dashboard.setAttribute('auth-token', firstToken);
  dashboard.fetchToken = fetchToken;

  const assistant = document.createElement('tc-ai-assistant');
  assistant.setAttribute('server-url', serverUrl);
  assistant.setAttribute('data-theme', themeSelect.value);
  if (firstToken) assistant.setAttribute('auth-token', firstToken);
  assistant.fetchToken = fetchToken;

  document.getElementById('dashboard-slot').replaceChildren(dashboard);
  document.getElementById('assistant-slot').replaceChildren(assistant);
  addLog('host-mounted', { user, expiresIn });
}

const options = await (await fetch('/api/demo-options')).json();
for (const user of options.users) userSelect.add(new Option(user.label, user.id));
for (const lifetime of options.lifetimes) lifetimeSelect.add(new Option(lifetime === '1m' ? '1 minute (refresh at ~30 s)' : lifetime, lifetime));
lifetimeSelect.value = '1h';
userSelect.addEventListener('change', mount);
lifetimeSelect.addEventListener('change', mount);
themeSelect.addEventListener('change', () => {
  document.body.classList.toggle('dark', themeSelect.value === 'dark');
  for (const element of document.querySelectorAll('tc-dashboard, tc-ai-assistant')) element.dataset.theme = themeSelect.value;
});
document.getElementById('origin-note').textContent =
  location.hostname === '127.0.0.1'
    ? `This page's origin (${location.origin}) is not authorized on purpose: the elements refuse to render and say where to add it.`
    : 'Open the second demo origin, http://127.0.0.1:3001/, to see how the elements answer an origin that is not authorized.';
const defined = await Promise.race([
  customElements.whenDefined('tc-dashboard').then(() => true),
  new Promise((resolve) => setTimeout(() => resolve(false), 10_000)),
]);
if (defined) await mount();
else addLog('host-error', { message: `embed.js did not load from ${serverUrl}; is the tc-embed server running (npm start)?` });
