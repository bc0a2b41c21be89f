// The HQ roles each console route admits; every route checks one on the server.
import type { Auth } from '../auth.js';
import { ALL_HQ_ROLES } from '../auth.js';

export function adminGuards(auth: Auth) {
  return {
    anyHq: auth.requireRoles(...ALL_HQ_ROLES),
    operators: auth.requireRoles('owner', 'operator'),
    finance: auth.requireRoles('owner', 'finance'),
    support: auth.requireRoles('owner', 'support'),
    fulfilment: auth.requireRoles('owner', 'operator', 'support'),
    owner: auth.requireRoles('owner'),
    auditors: auth.requireRoles('owner', 'auditor'),
  };
}
