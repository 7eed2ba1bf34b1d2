// POST /api/tc-token: mints a tc-embed token for the signed-in user, on the server, with the API key.
import { createFetchTokenHandler } from '@tc-embed/node';
import { currentUser } from '@/lib/session';
import { tc } from '@/lib/tc-embed';

export const POST = createFetchTokenHandler(tc, async (request) => {
  const user = await currentUser(request);
  return user ? { distinctId: user.id, attributes: { region: user.region } } : null;
});
