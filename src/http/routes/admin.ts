// The HQ console's API, by area: members (admin-members.ts), the catalogue (admin-catalog.ts), orders (admin-orders.ts), shipping (admin-fulfilment.ts),
// rules, commission and payouts (admin-money.ts), the dashboard, exports and operations (admin-reports.ts), the compliance report (compliance.ts), the dashboard's 待办 (admin-todo.ts).
import type { FastifyInstance } from 'fastify';
import type { Services } from '../../services.js';
import type { Auth } from '../auth.js';
import { adminDistributorRoutes, adminMemberRoutes } from './admin-members.js';
import { adminMoneyRoutes } from './admin-money.js';
import { adminFulfilmentRoutes } from './admin-fulfilment.js';
import { adminCatalogRoutes } from './admin-catalog.js';
import { adminOrderRoutes } from './admin-orders.js';
import { adminReportRoutes } from './admin-reports.js';
import { adminExportRoutes } from './admin-exports.js';
import { adminMediaRoutes } from './admin-media.js';
import { complianceRoutes } from './compliance.js';
import { adminTodoRoutes } from './admin-todo.js';

export function adminRoutes(app: FastifyInstance, s: Services, auth: Auth) {
  adminMemberRoutes(app, s, auth);
  adminDistributorRoutes(app, s, auth);
  adminCatalogRoutes(app, s, auth);
  adminOrderRoutes(app, s, auth);
  adminFulfilmentRoutes(app, s, auth);
  adminMoneyRoutes(app, s, auth);
  adminReportRoutes(app, s, auth);
  adminExportRoutes(app, s, auth);
  adminMediaRoutes(app, s, auth);
  complianceRoutes(app, s, auth);
  adminTodoRoutes(app, s, auth);
}
