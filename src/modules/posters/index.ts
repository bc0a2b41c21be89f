// The posters module's face: what other modules and the app may use of it.
export { PosterService, PICTURE_BOX, type PosterInput } from './service.js';
export { posterPicture, type PosterPictureSource } from './picture.js';
