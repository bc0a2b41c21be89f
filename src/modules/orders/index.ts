// The orders module's face: what other modules and the app may use of it.
export { CARRIER_CODES, CARRIERS, carrierName, isCarrierCode } from './carriers.js';
export { checkOrderTotal } from './limits.js';
export { businessNumber } from './numbers.js';
export { paidOrderEarning } from './participants.js';
export type { AfterCommit, AfterSalesRequestLines, CheckoutContext, DeferredHooks, OrderParticipant, PaidOrder, PaidOrderEarning, PayingOrder, PickupStores, RefundedOrder } from './participants.js';
export type { EffectsFaultPoint, EffectsFaults, ExpandResult } from './effects.js';
export { assertSameRequest, canonicalJson } from './request-fingerprint.js';
export type { RequestFields } from './request-fingerprint.js';
export { resolveCarrier, type ParcelInput, type ParcelView } from './parcels.js';
export { OrdersService } from './service.js';
export { assertTransition, canTransition, ORDER_TRANSITIONS, type OrderStep } from './states.js';
export type { Quote } from './service.js';
export type { AfterSalesKind, AfterSalesReason, InvoiceRequest, OrderSource, OrderStatus, RefundRequestStatus, ReturnAddress, ShippingAddress, TrackingState } from './tables.js';
export { AFTER_SALES_KINDS, AFTER_SALES_REASONS, OPEN_REFUND_REQUEST_STATUSES, REFUND_REQUEST_STATUSES } from './tables.js';
export { DevTracking, TrackingCallbackError, type TrackingProvider, type TrackingSnapshot } from './tracking.js';
export { Kuaidi100Tracking } from './tracking-kuaidi100.js';
