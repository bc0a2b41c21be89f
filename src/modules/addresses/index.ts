// The address book's face: what other modules and the app may use of it.
export { AddressBookService, MAX_ADDRESSES, type AddressInput, type SavedAddress } from './service.js';
