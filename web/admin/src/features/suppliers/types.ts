// Shapes of the suppliers API (src/http/routes/suppliers.ts) as the console reads them.
import type { ShippingAddress } from '../../../../shared/address';

export type SupplierStatus = 'active' | 'suspended';
export type ProposalStatus = 'pending' | 'approved' | 'rejected';
export type SettlementState = 'pending' | 'frozen' | 'available' | 'reversed';

export interface Supplier {
  id: number;
  memberId: number;
  companyName: string;
  contactName: string;
  contactPhone: string;
  platformFeeBp: number;
  status: SupplierStatus;
  createdAt: string;
}

export interface SupplierRow extends Supplier {
  memberNickname: string;
  memberPhone: string;
  productCount: number;
  pendingProposals: number;
  pendingFen: number;
  frozenFen: number;
  availableFen: number;
}

export interface ProposedSku {
  name: string;
  retailPriceFen: number;
  supplyPriceFen: number;
  stock: number;
}

export interface Proposal {
  id: number;
  supplierId: number;
  companyName: string;
  title: string;
  category: string;
  description: string;
  imageUrl: string | null;
  skus: ProposedSku[];
  status: ProposalStatus;
  rejectReason: string | null;
  productId: number | null;
  reviewedAt: string | null;
  createdAt: string;
}

export interface SupplierProduct {
  id: number;
  title: string;
  category: string;
  status: 'on_sale' | 'off_sale';
  skus: Array<{ id: number; name: string; priceFen: number; stock: number; supplyPriceFen: number | null }>;
}

export interface SupplierOrderLine {
  id: number;
  productId: number;
  skuId: number;
  title: string;
  quantity: number;
  unitPriceFen: number;
  paidFen: number;
  refundedFen: number;
  supplyPriceFen: number | null;
  settlementFen: number | null;
}

export interface SupplierOrder {
  id: number;
  orderNo: string;
  status: 'paid' | 'shipped' | 'completed' | 'refunded';
  deliveryMethod: 'express' | 'pickup';
  shippingAddress: ShippingAddress | null;
  paidAt: string;
  shippedAt: string | null;
  completedAt: string | null;
  lines: SupplierOrderLine[];
  mixed: boolean;
  shipment: { carrier: string; trackingNo: string; shippedAt: string } | null;
}

export interface SettlementLine {
  orderLineId: number;
  title: string;
  quantity: number;
  linePaidFen: number;
  lineRefundedFen: number;
  supplyFen: number;
  feeBp: number;
  feeFen: number;
  amountFen: number;
  capped: boolean;
  reversedFen: number;
  state: SettlementState | null;
  frozenUntil: string | null;
}

export interface SettlementOrder {
  orderId: number;
  orderNo: string;
  orderStatus: string;
  paidAt: string;
  amountFen: number;
  reversedFen: number;
  netFen: number;
  states: SettlementState[];
  frozenUntil: string | null;
  lines: SettlementLine[];
}

export interface SupplierMe extends Supplier {
  settlements: {
    pendingFen: number;
    frozenFen: number;
    availableFen: number;
    settledFen: number;
    feeFen: number;
    balances: { pendingFen: number; frozenFen: number; availableFen: number; withdrawingFen: number; debtFen: number };
  };
}
