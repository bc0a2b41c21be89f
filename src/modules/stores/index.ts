// The stores module's face: what other modules and the app may use of it.
export { StoresService } from './service.js';
