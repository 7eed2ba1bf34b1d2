// POST /api/tc-token: a Web-standard (Request → Response) handler, as Hono, Remix or a Next.js route handler take it.
import { createFetchTokenHandler } from '@tc-embed/node';
import { currentUser } from '../lib/session';
import { tc } from '../lib/tc-embed';

export const POST = createFetchTokenHandler(tc, async (request) => {
  const user = await currentUser(request);
  return user ? { distinctId: user.id, attributes: { region: user.region } } : null;
});
