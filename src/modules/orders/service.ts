// Orders: the module's one service, made of its parts — checkout.ts (pricing, stock, the order once
// per key), payment.ts (paid once with commission and the participants; cancelled or closed unpaid),
// fulfilment.ts (shipped, received, picked up), refunds.ts (opened, reviewed, applied once) and
// reads.ts, effects.ts (the participants' deferred hooks, through an outbox); states.ts is the state
// machine every status check asks. Other modules register participants (participants.ts) and the
// stores module the pickup-stores port.
import type { Clock, EventBus } from '../../context.js';
import type { Db } from '../../db/database.js';
import type { AuditService } from '../audit/index.js';
import type { CatalogService } from '../catalog/index.js';
import type { CommissionService } from '../commission/index.js';
import type { MembersService } from '../members/index.js';
import type { ReferralService } from '../referral/index.js';
import type { RulesService } from '../rules/index.js';
import { OrderAfterSales } from './after-sales.js';
import { OrderAfterSalesDeadlines } from './after-sales-deadlines.js';
import { OrderBatchShipping } from './batch-shipping.js';
import { OrderCheckout } from './checkout.js';
import type { OrdersDeps } from './deps.js';
import { OrderEffects } from './effects.js';
import { OrderFulfilment } from './fulfilment.js';
import type { OrderParticipant, PickupStores } from './participants.js';
import { OrderParcels } from './parcels.js';
import { OrderPayment } from './payment.js';
import { OrderReads } from './reads.js';
import { OrderRefunds } from './refunds.js';
import type { TrackingProvider } from './tracking.js';

export { priceLines } from './checkout.js';
export type { OrderView } from './reads.js';
export type { CheckoutInput, CheckoutItem, PricedLine, Quote, RefundInput } from './types.js';

export class OrdersService {
  private readonly deps: OrdersDeps;
  private readonly reads: OrderReads;
  private readonly checkoutPart: OrderCheckout;
  private readonly payment: OrderPayment;
  private readonly fulfilment: OrderFulfilment;
  private readonly batchShipping: OrderBatchShipping;
  private readonly refunds: OrderRefunds;
  private readonly parcels: OrderParcels;
  private readonly afterSales: OrderAfterSales;
  private readonly afterSalesDeadlines: OrderAfterSalesDeadlines;
  /** the participants' deferred effects (effects.ts): tests set its faults and reference mode */
  readonly effects: OrderEffects;

  constructor(db: Db, clock: Clock, bus: EventBus, catalog: CatalogService, rules: RulesService, commission: CommissionService, referral: ReferralService, members: MembersService, audit: AuditService) {
    this.deps = { db, clock, bus, catalog, rules, commission, referral, members, audit, participants: [], pickupStores: {}, tracking: {} };
    this.parcels = new OrderParcels(this.deps);
    this.reads = new OrderReads(this.deps, this.parcels);
    this.effects = new OrderEffects(this.deps);
    this.checkoutPart = new OrderCheckout(this.deps, this.reads);
    this.payment = new OrderPayment(this.deps, this.reads, this.effects);
    this.fulfilment = new OrderFulfilment(this.deps, this.reads, this.parcels);
    this.batchShipping = new OrderBatchShipping(this.deps, this.fulfilment);
    this.refunds = new OrderRefunds(this.deps, this.effects);
    this.afterSales = new OrderAfterSales(this.deps, this.refunds, this.reads);
    this.afterSalesDeadlines = new OrderAfterSalesDeadlines(this.deps, this.refunds);
  }

  /** Another module takes part in every order from now on (see participants.ts); pricing runs in this order. */
  addParticipant(participant: OrderParticipant): void {
    this.deps.participants.push(participant);
  }

  /** The app's parcel-tracking provider (tracking.ts): parcels with a known carrier are subscribed there. */
  provideTracking(tracking: TrackingProvider): void {
    this.deps.tracking.current = tracking;
  }

  /** The stores module says which stores take pickup orders and where they are (participants.ts). */
  providePickupStores(stores: PickupStores): void {
    this.deps.pickupStores.current = stores;
  }

  // checkout.ts
  /** Prices items at today's prices without taking stock: the dry run and the cart use it. */
  quote: OrderCheckout['quote'] = (...a) => this.checkoutPart.quote(...a);
  /** What checkout would charge this buyer now, with every participant's pricing; takes nothing. */
  quoteFor: OrderCheckout['quoteFor'] = (...a) => this.checkoutPart.quoteFor(...a);
  checkout: OrderCheckout['checkout'] = (...a) => this.checkoutPart.checkout(...a);

  // reads.ts
  /** An order with its lines and refunds; the consignee is masked unless `showConsignee`. */
  get: OrderReads['get'] = (...a) => this.reads.get(...a);
  payable: OrderReads['payable'] = (...a) => this.reads.payable(...a);
  list: OrderReads['list'] = (...a) => this.reads.list(...a);
  filteredIds: OrderReads['filteredIds'] = (...a) => this.reads.filteredIds(...a);
  hasPaidOrders: OrderReads['hasPaidOrders'] = (...a) => this.reads.hasPaidOrders(...a);
  dueForClose: OrderReads['dueForClose'] = (...a) => this.reads.dueForClose(...a);
  listRefundRequests: OrderReads['listRefundRequests'] = (...a) => this.reads.listRefundRequests(...a);
  refundByNo: OrderReads['refundByNo'] = (...a) => this.reads.refundByNo(...a);
  listRefunds: OrderReads['listRefunds'] = (...a) => this.reads.listRefunds(...a);

  // payment.ts
  cancel: OrderPayment['cancel'] = (...a) => this.payment.cancel(...a);
  closeUnpaid: OrderPayment['closeUnpaid'] = (...a) => this.payment.closeUnpaid(...a);
  /** The provider confirmed payment: paid once, commission and participants in the same transaction. */
  markPaid: OrderPayment['markPaid'] = (...a) => this.payment.markPaid(...a);

  // fulfilment.ts
  redeemPickup: OrderFulfilment['redeemPickup'] = (...a) => this.fulfilment.redeemPickup(...a);
  ship: OrderFulfilment['ship'] = (...a) => this.fulfilment.ship(...a);
  complete: OrderFulfilment['complete'] = (...a) => this.fulfilment.complete(...a);
  /** More parcels for an order that is paid (part of it shipped) or shipped (a late parcel). */
  addParcels: OrderFulfilment['addParcels'] = (...a) => this.fulfilment.addParcels(...a);
  /** Records parcels in the caller's transaction (a supplier's shipment). */
  addParcelsIn: OrderFulfilment['addParcelsIn'] = (...a) => this.fulfilment.addParcelsIn(...a);
  /** The buyer pushes the automatic receipt back once (延长收货). */
  extendReceipt: OrderFulfilment['extendReceipt'] = (...a) => this.fulfilment.extendReceipt(...a);
  /** The job: shipped orders whose receipt date passed complete by themselves. */
  autoReceiveDue: OrderFulfilment['autoReceiveDue'] = (...a) => this.fulfilment.autoReceiveDue(...a);

  // batch-shipping.ts
  /** 批量发货: every row of an uploaded file answered; nothing written. */
  previewShippingBatch: OrderBatchShipping['preview'] = (...a) => this.batchShipping.preview(...a);
  /** 批量发货: ships every valid row through ship(), an order per transaction. */
  confirmShippingBatch: OrderBatchShipping['confirm'] = (...a) => this.batchShipping.confirm(...a);

  // parcels.ts
  parcelsOf: OrderParcels['ofOrders'] = (...a) => this.parcels.ofOrders(...a);
  /** The job: subscribes recorded parcels at the tracking provider, retrying failures. */
  subscribeParcels: OrderParcels['subscribeDue'] = (...a) => this.parcels.subscribeDue(...a);
  /** The tracking provider's push (verified by the caller's adapter). */
  applyTracking: OrderParcels['applyTracking'] = (...a) => this.parcels.applyTracking(...a);

  // refunds.ts
  createRefund: OrderRefunds['createRefund'] = (...a) => this.refunds.createRefund(...a);
  // after-sales.ts
  /** A buyer's after-sales request: a refund only or a return and refund. */
  requestRefundByBuyer: OrderAfterSales['request'] = (...a) => this.afterSales.request(...a);
  reviewRefundRequest: OrderAfterSales['review'] = (...a) => this.afterSales.review(...a);
  shipReturn: OrderAfterSales['shipReturn'] = (...a) => this.afterSales.shipReturn(...a);
  receiveReturn: OrderAfterSales['receiveReturn'] = (...a) => this.afterSales.receiveReturn(...a);
  cancelRefundRequest: OrderAfterSales['cancel'] = (...a) => this.afterSales.cancel(...a);
  /** The job: approved returns whose parcel never left by the deadline expire. */
  expireReturns: OrderAfterSales['expireReturns'] = (...a) => this.afterSales.expireReturns(...a);
  /** The job: requests past the merchant's review or receipt deadline are approved (refunds opened: the caller sends them). */
  decideOverdueAfterSales: OrderAfterSalesDeadlines['decideDue'] = (...a) => this.afterSalesDeadlines.decideDue(...a);
  applyRefundSucceeded: OrderRefunds['applyRefundSucceeded'] = (...a) => this.refunds.applyRefundSucceeded(...a);
  applyRefundFailed: OrderRefunds['applyRefundFailed'] = (...a) => this.refunds.applyRefundFailed(...a);

  // effects.ts
  /** The job and the in-process trigger: runs the participants' deferred hooks that are due. */
  expandEffects = (): ReturnType<OrderEffects['expand']> => this.effects.expand();
  /** Expands until nothing is pending (tests and scripts, after paying or refunding). */
  drainEffects = (): Promise<void> => this.effects.drain();
  /** The process is stopping. */
  stopEffects = (): Promise<void> => this.effects.stop();
}
