// Random codes people or redirects carry (invite codes, recovery codes, OAuth states, one-time
// passwords): each character drawn uniformly with crypto.randomInt (a byte modulo the alphabet is not uniform).
import { randomInt } from 'node:crypto';

export function randomCode(alphabet: string, length: number): string {
  let code = '';
  for (let i = 0; i < length; i++) code += alphabet[randomInt(alphabet.length)];
  return code;
}
