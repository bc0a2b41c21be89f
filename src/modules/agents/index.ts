// The agents module's face: what other modules and the app may use of it.
export { seedChannels } from './demo.js';
export { AgentsService } from './service.js';
