// The catalog module's face: what other modules and the app may use of it.
export { CatalogService } from './service.js';
export type { PictureLookup, ProductImages, ProductImagesInput } from './images.js';
export { MAX_SPEC_ATTRIBUTES, MAX_SPEC_SKUS, type SpecAttribute, type SpecsInput, type SpecSkuInput } from './specs.js';
