// The Kysely Database type: every module declares its own tables in src/modules/<m>/tables.ts (it alone
// writes them: test/modules/boundaries.test.ts); this file only merges them. int8 columns arrive as
// numbers (see database.ts).
import type { AddressesTables } from '../modules/addresses/tables.js';
import type { AgentsTables } from '../modules/agents/tables.js';
import type { ApprovalsTables } from '../modules/approvals/tables.js';
import type { AuditTables } from '../modules/audit/tables.js';
import type { BargainsTables } from '../modules/bargains/tables.js';
import type { CatalogTables } from '../modules/catalog/tables.js';
import type { CommissionTables } from '../modules/commission/tables.js';
import type { ContestsTables } from '../modules/contests/tables.js';
import type { DealersTables } from '../modules/dealers/tables.js';
import type { FlashSalesTables } from '../modules/flash-sales/tables.js';
import type { GroupBuysTables } from '../modules/group-buys/tables.js';
import type { GrowthTables } from '../modules/growth/tables.js';
import type { IdentityTables } from '../modules/identity/tables.js';
import type { InsightsTables } from '../modules/insights/tables.js';
import type { JobsTables } from '../modules/jobs/tables.js';
import type { LedgerTables } from '../modules/ledger/tables.js';
import type { LoyaltyTables } from '../modules/loyalty/tables.js';
import type { MediaTables } from '../modules/media/tables.js';
import type { MembersTables } from '../modules/members/tables.js';
import type { NotificationsTables } from '../modules/notifications/tables.js';
import type { OrdersTables } from '../modules/orders/tables.js';
import type { PaymentsTables } from '../modules/payments/tables.js';
import type { PayoutsTables } from '../modules/payouts/tables.js';
import type { PromotionsTables } from '../modules/promotions/tables.js';
import type { ReferralTables } from '../modules/referral/tables.js';
import type { RiskTables } from '../modules/risk/tables.js';
import type { RulesTables } from '../modules/rules/tables.js';
import type { ShowcaseTables } from '../modules/showcase/tables.js';
import type { StatementsTables } from '../modules/statements/tables.js';
import type { StoresTables } from '../modules/stores/tables.js';
import type { StorefrontTables } from '../modules/storefront/tables.js';
import type { SuppliersTables } from '../modules/suppliers/tables.js';
import type { WechatReachTables } from '../modules/wechat-reach/tables.js';

export interface Database
  extends AddressesTables,
    AgentsTables,
    ApprovalsTables,
    AuditTables,
    BargainsTables,
    CatalogTables,
    CommissionTables,
    ContestsTables,
    DealersTables,
    FlashSalesTables,
    GroupBuysTables,
    GrowthTables,
    IdentityTables,
    InsightsTables,
    JobsTables,
    LedgerTables,
    LoyaltyTables,
    MediaTables,
    MembersTables,
    NotificationsTables,
    OrdersTables,
    PaymentsTables,
    PayoutsTables,
    PromotionsTables,
    ReferralTables,
    RiskTables,
    RulesTables,
    ShowcaseTables,
    StatementsTables,
    StoresTables,
    StorefrontTables,
    SuppliersTables,
    WechatReachTables {}
