// The media module's face: uploaded pictures (processing, storage adapters, descriptions with URLs).
export { MediaService, type MediaImageView, type MediaVariantView } from './service.js';
export { LocalMediaStorage, MemoryMediaStorage, contentTypeOfKey, type MediaStorage, type StoredObject } from './storage.js';
export { S3MediaStorage, MediaStoreError, IMMUTABLE_CACHE } from './storage-s3.js';
export { VARIANT_WIDTHS, MAX_INPUT_PIXELS } from './images.js';
