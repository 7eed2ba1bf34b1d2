/** Stands in for your own sign-in (NextAuth, a session cookie…): every visitor is the same demo user here. */
export async function currentUser(_request: Request): Promise<{ id: string; region: string } | null> {
  return { id: 'user-123', region: 'Europe' };
}
