// The catalog module's face: what other modules and the app may use of it.
export { CatalogService } from './service.js';
export type { PictureLookup, ProductImages, ProductImagesInput } from './images.js';
