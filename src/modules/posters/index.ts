// The posters module's face: what other modules and the app may use of it.
export { PosterService } from './service.js';
