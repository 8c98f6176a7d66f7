import 'server-only';
import bcrypt from 'bcryptjs';

const COST = 12;
// Compared against when the account does not exist, so both paths take the same time and
// response timing does not reveal which emails have accounts.
const DUMMY_HASH = bcrypt.hashSync('not-a-real-password', COST);

export function hashPassword(password: string): Promise<string> {
  return bcrypt.hash(password, COST);
}

export async function verifyPassword(password: string, hash: string | null | undefined): Promise<boolean> {
  const matches = await bcrypt.compare(password, hash ?? DUMMY_HASH);
  return matches && !!hash;
}
