// What the suppliers module takes and gives: accounts and proposals.
import type { ProposedSku, SupplierStatus } from './tables.js';

export interface SupplierInput {
  memberId: number;
  companyName: string;
  contactName?: string;
  contactPhone?: string;
  platformFeeBp: number;
  status?: SupplierStatus;
}

export type SupplierPatch = Partial<Omit<SupplierInput, 'memberId'>>;

export interface ProposalInput {
  title: string;
  category?: string;
  description?: string;
  imageUrl?: string | null;
  skus: ProposedSku[];
}

export interface Supplier {
  id: number;
  memberId: number;
  companyName: string;
  contactName: string;
  contactPhone: string;
  platformFeeBp: number;
  status: SupplierStatus;
  createdAt: Date;
}
