// The analytics module's face: what other modules and the app may use of it.
export { AnalyticsService } from './service.js';
export { orderExportLines, type OrderExportLine, type OrderIdPages } from './order-export.js';
export { ledgerExportRows, type LedgerExportAccount, type LedgerExportFilter, type LedgerExportRow } from './ledger-export.js';
export { refundRequestExportRows, type RefundRequestExportFilter, type RefundRequestExportRow } from './refund-request-export.js';
export { complianceMoney, type ComplianceMoney, type EarningFigures, type MoneyRange } from './compliance-money.js';
