// Builds the web apps once, before the forks start: two forks building the same dist at once would
// clobber each other (each world's own buildWeb() then only checks the build is fresh).
import { buildWeb } from '../../scripts/build-web.js';

export default function setup(): void {
  buildWeb();
}
