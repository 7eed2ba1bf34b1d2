// Quick start: embed a tc-embed dashboard in a plain HTML page served by Express.
//
//   TC_EMBED_API_KEY   an API key (`npx tc-embed api-keys create --name "My app"`, or .tc-data/demo-api-key)
//   TC_EMBED_URL       the tc-embed server (default http://localhost:8080)
//   PORT               this app (default 3100; authorize it: `npx tc-embed origins add http://localhost:3100`)
import { readFileSync } from 'node:fs';
import { createTcEmbedClient, createTokenHandler } from '@tc-embed/node';
import express, { type Request } from 'express';

const serverUrl = process.env.TC_EMBED_URL ?? 'http://localhost:8080';
const port = Number(process.env.PORT ?? 3100);

// The API key stays here, on the server. The SDK refuses to load in a browser.
const tc = createTcEmbedClient({ serverUrl, apiKey: process.env.TC_EMBED_API_KEY ?? '' });

interface SignedInRequest extends Request {
  user?: { id: string; region: string };
}

const app = express();

// Stands in for your own sign-in (a session cookie, a JWT…): every visitor is the same demo user here.
app.use((request: SignedInRequest, _response, next) => {
  request.user = { id: 'user-123', region: 'Europe' };
  next();
});

// The page's fetchToken calls this for the first token and again before each one expires.
app.post(
  '/api/tc-token',
  createTokenHandler<SignedInRequest>(tc, (request) =>
    request.user ? { distinctId: request.user.id, attributes: { region: request.user.region } } : null,
  ),
);

const page = readFileSync(new URL('./public/index.html', import.meta.url), 'utf8').replaceAll('%TC_EMBED_URL%', serverUrl);
app.get('/', (_request, response) => {
  response.type('html').send(page);
});

app.listen(port, () => console.log(`Example (HTML + Express) on http://localhost:${port}`));
