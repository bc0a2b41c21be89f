// Strings of the dashboard's 待办 row (DashboardTodo.tsx) and of the filters its cards open (held earnings, withdrawals
// not yet approved), zh and en (en must have every key zh has); merged with the feature dictionaries.
import type { FeatureDictionary } from '../features/types';

const zh = {
  'todo.title': '待办',
  'todo.hint': '等待您处理的事项，每分钟刷新；点击卡片打开对应列表',
  'todo.done': '已处理完',
  'todo.refresh': '刷新',
  'todo.key.ordersToShip': '待发货订单',
  'todo.key.refundRequestsToReview': '待审核售后',
  'todo.key.returnsToReceive': '待确认收到退货',
  'todo.key.refundsFailed': '退款失败待处理',
  'todo.key.payoutsToReview': '待审核提现',
  'todo.key.payoutsFailed': '提现失败待重试',
  'todo.key.approvalsAwaiting': '待我审批',
  'todo.key.riskHolds': '风控待审核',
  'todo.key.heldEarnings': '暂扣中的佣金',
  'todo.key.restocksToConfirm': '进货单待确认收款',
  'todo.key.applicationsToReview': '分销商申请待审核',
  'todo.key.proposalsToReview': '供应商商品待审核',
  'todo.key.redemptionsToFulfil': '积分兑换待发货',
  'todo.filter.notFirstApproved': '仅未审核的',
  'todo.earnings.heldOnly': '仅看暂扣中',
  'todo.earnings.afterSalesHold': '售后中',
};

const en: Record<keyof typeof zh, string> = {
  'todo.title': 'To do',
  'todo.hint': 'What waits for you, refreshed every minute; a card opens its list',
  'todo.done': 'All done',
  'todo.refresh': 'Refresh',
  'todo.key.ordersToShip': 'Orders to ship',
  'todo.key.refundRequestsToReview': 'After-sales to review',
  'todo.key.returnsToReceive': 'Returns to receive',
  'todo.key.refundsFailed': 'Failed refunds',
  'todo.key.payoutsToReview': 'Withdrawals to review',
  'todo.key.payoutsFailed': 'Failed withdrawals',
  'todo.key.approvalsAwaiting': 'Awaiting my approval',
  'todo.key.riskHolds': 'Risk holds to review',
  'todo.key.heldEarnings': 'Held earnings',
  'todo.key.restocksToConfirm': 'Restocks to confirm',
  'todo.key.applicationsToReview': 'Distributor applications',
  'todo.key.proposalsToReview': 'Supplier products to review',
  'todo.key.redemptionsToFulfil': 'Points exchanges to ship',
  'todo.filter.notFirstApproved': 'Not yet approved only',
  'todo.earnings.heldOnly': 'Held only',
  'todo.earnings.afterSalesHold': 'After-sales open',
};

export const dictionary: FeatureDictionary = { zh, en };
