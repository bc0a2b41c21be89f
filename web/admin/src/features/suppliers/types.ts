// Shapes of the suppliers API (src/http/routes/suppliers.ts) as the console reads them.
import type { ItemOf, ResponseOf } from '../../../../shared/api';

export type SupplierStatus = 'active' | 'suspended';
export type ProposalStatus = 'pending' | 'approved' | 'rejected';
export type SettlementState = 'pending' | 'frozen' | 'available' | 'reversed';

// answers typed from /openapi.json
export type SupplierRow = ItemOf<ResponseOf<'/api/admin/suppliers'>>;
export type SupplierMe = ResponseOf<'/api/supplier/me'>;
export type Supplier = Omit<SupplierMe, 'pendingFen' | 'frozenFen' | 'availableFen'>;
export type Proposal = ItemOf<ResponseOf<'/api/supplier/proposals'>>;
export type ProposedSku = Proposal['skus'][number];
export type SupplierProduct = ItemOf<ResponseOf<'/api/supplier/products'>>;
export type SupplierOrder = ResponseOf<'/api/supplier/orders/{id}'>;
/** an order in my list: the consignee's name (masked) and city, no street or phone */
export type SupplierOrderRow = ItemOf<ResponseOf<'/api/supplier/orders'>>;
export type SupplierOrderLine = SupplierOrder['lines'][number];
export type SettlementOrder = ItemOf<ResponseOf<'/api/supplier/settlements'>>;
export type SettlementLine = SettlementOrder['lines'][number];
