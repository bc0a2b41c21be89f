// Every user-facing string of the console, in Chinese (default) and English. `en` must have every key
// `zh` has (the type checks it). Use t('key', {var}) for {var} placeholders.
import { createContext, createElement, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { afterSalesLabelEntries } from '../../shared/after-sales-labels';
import { errorLabelEntries } from '../../shared/error-labels';
import { labelEntries } from './labels';

const zh = {
  'app.title': '分销总部后台',

  // navigation
  'nav.dashboard': '数据看板',
  'nav.membersGroup': '会员管理',
  'nav.members': '会员与分销商',
  'nav.applications': '分销商申请',
  'nav.tiers': '等级与分组',
  'nav.rulesGroup': '佣金规则',
  'nav.rules': '规则配置',
  'nav.dryRun': '佣金试算',
  'nav.products': '商品管理',
  'nav.ordersGroup': '订单与退款',
  'nav.orders': '订单',
  'nav.refunds': '退款记录',
  'nav.refundRequests': '售后申请',
  'nav.financeGroup': '财务',
  'nav.payouts': '提现审核',
  'nav.adjustments': '佣金调整',
  'nav.reconciliation': '对账',
  'nav.audit': '操作日志',
  'nav.menu': '菜单',

  // auth
  'auth.subtitle': '总部员工登录',
  'auth.phone': '手机号',
  'auth.password': '密码',
  'auth.login': '登录',
  'auth.logout': '退出登录',
  'auth.phoneRequired': '请输入手机号',
  'auth.phoneInvalid': '请输入 11 位大陆手机号',
  'auth.passwordRequired': '请输入密码',
  'auth.badCredentials': '手机号或密码不正确',
  'auth.notHq': '此账号不是总部员工，无法进入管理后台。请使用商城 App 或联系总部开通权限。',

  // errors
  'error.network': '网络异常，请检查连接后重试',
  'error.forbidden': '无权限：{message}',
  'error.unauthorized': '登录已失效，请重新登录',
  'error.rateLimited': '操作太频繁，请稍后再试',
  'error.server': '服务器开小差了，请稍后再试',
  'error.screenForbidden': '你的角色无权查看此页面',
  'error.notFoundPage': '页面不存在',

  // common
  'common.actions': '操作',
  'common.actor': '操作人',
  'common.all': '全部',
  'common.amount': '金额',
  'common.approve': '通过',
  'common.reject': '驳回',
  'common.days': '天',
  'common.detail': '详情',
  'common.done': '操作成功',
  'common.edit': '编辑',
  'common.noData': '暂无数据',
  'common.readOnly': '只读：你的角色可以查看，但不能修改',
  'common.reason': '原因',
  'common.reasonRequired': '请填写原因（将写入操作日志）',
  'common.reasonLength': '原因需 2–500 个字',
  'common.reasonPlaceholder': '写明原因，将记入操作日志',
  'common.remove': '删除',
  'common.reset': '重置',
  'common.saved': '已保存',
  'common.search': '查询',
  'common.status': '状态',
  'common.system': '系统',
  'common.time': '时间',
  'common.totalN': '共 {n} 条',

  // enums
  'enum.role.owner': '老板',
  'enum.role.operator': '运营',
  'enum.role.finance': '财务',
  'enum.role.support': '客服',
  'enum.role.auditor': '审计',
  'enum.distributor.none': '普通会员',
  'enum.distributor.applied': '申请中',
  'enum.distributor.active': '分销商',
  'enum.distributor.rejected': '已驳回',
  'enum.distributor.disabled': '已停用',
  'enum.order.pending_payment': '待付款',
  'enum.order.paid': '待发货',
  'enum.order.shipped': '已发货',
  'enum.order.completed': '已完成',
  'enum.order.closed': '已关闭',
  'enum.order.refunded': '已退款',
  'enum.payout.reviewing': '待审核',
  'enum.payout.processing': '打款中',
  'enum.payout.paid': '已到账',
  'enum.payout.rejected': '已驳回',
  'enum.payout.failed': '失败',
  'enum.refund.processing': '处理中',
  'enum.refund.succeeded': '已退款',
  'enum.refund.failed': '失败',
  'enum.review.pending': '待审核',
  'enum.review.approved': '已通过',
  'enum.review.rejected': '已驳回',
  'enum.earning.pending': '待结算',
  'enum.earning.frozen': '冻结中',
  'enum.earning.available': '可提现',
  'enum.earning.reversed': '已冲回',
  'enum.product.on_sale': '在售',
  'enum.product.off_sale': '已下架',
  'enum.channel.wechat': '微信零钱',
  'enum.channel.alipay': '支付宝',
  'enum.channel.bank': '银行卡',

  'binding.source.registration': '注册绑定',
  'binding.source.first_visit': '首次访问',
  'binding.source.last_touch': '最后点击',
  'binding.source.first_order': '首单绑定',
  'binding.source.hq': '总部改绑',

  'balance.pendingFen': '待结算',
  'balance.frozenFen': '冻结中',
  'balance.availableFen': '可提现',
  'balance.withdrawingFen': '提现中',
  'balance.debtFen': '欠款',

  // dashboard
  'dashboard.today': '今日',
  'dashboard.month': '本月',
  'dashboard.gmv': '成交额 (GMV)',
  'dashboard.orders': '订单数',
  'dashboard.newMembers': '新增会员',
  'dashboard.newDistributors': '新增分销商',
  'dashboard.commissionTitle': '佣金概况（全平台）',
  'dashboard.pending': '待结算佣金',
  'dashboard.frozen': '冻结中佣金',
  'dashboard.payable': '可提现佣金',
  'dashboard.paid': '已发放佣金',
  'dashboard.withdrawingNote': '另有 {amount} 正在提现审核或打款中',
  'dashboard.gmvTrend': '近 30 天成交趋势',
  'dashboard.commissionTrend': '近 30 天佣金与新增会员',
  'dashboard.commission': '佣金',
  'dashboard.ordersAxis': '单',
  'dashboard.peopleAxis': '人',
  'dashboard.channelModes': '各渠道业绩与应付',
  'dashboard.channelModesMore': '渠道业绩',
  'dashboard.channelMode': '渠道',
  'dashboard.channelEarned': '净收益',
  'dashboard.ranking': '佣金排行榜',
  'dashboard.periodToday': '今日',
  'dashboard.periodMonth': '本月',
  'dashboard.periodAll': '累计',
  'dashboard.earned': '佣金',
  'dashboard.orderCount': '订单数',
  'dashboard.unavailable': '看板接口暂不可用（/api/admin/dashboard），统计数字暂以 — 显示',

  // members
  'member.searchPlaceholder': '昵称 / 手机号 / 邀请码 / ID',
  'member.nickname': '昵称',
  'member.phone': '手机号',
  'member.inviteCode': '邀请码',
  'member.distributorStatus': '分销身份',
  'member.distributorSince': '成为分销商',
  'member.tier': '分销等级',
  'member.group': '分组',
  'member.hqRole': '总部角色',
  'member.createdAt': '注册时间',
  'member.hqOnly': '仅总部员工',
  'member.exportCsv': '导出 CSV',
  'member.exportXlsx': '导出 Excel',
  'member.exported': '已开始下载',

  // exports (orders, commission earnings, payouts: components/ExportButton.tsx)
  'export.button': '导出',
  'export.format': '文件格式',
  'export.xlsx': 'Excel (XLSX)',
  'export.csv': 'CSV',
  'export.rangePaid': '付款日期',
  'export.rangeCreated': '产生日期',
  'export.rangeRequested': '申请日期',
  'export.rangeHint': '北京时间，含起止两天；不选则不限日期',
  'export.hint': '按列表当前的筛选条件导出；手机号等个人信息按你的角色脱敏，导出记入操作日志。',
  'export.started': '已开始下载',
  'export.interrupted': '下载失败或中途中断，文件不完整，请重试',
  'export.afterSalesTitle': '导出售后申请',
  'export.ordersTitle': '导出订单（每个商品一行）',
  'export.ledgerTitle': '导出账本流水',
  'export.rangeBooked': '记账日期',
  'export.ledgerCode': '流水类型',
  'export.ledgerCodeHint': '只导出这一类流水，如 commission.earn（佣金入账）、payout.paid（提现打款）；不填则全部',
  'export.earningsTitle': '导出佣金明细',
  'export.payoutsTitle': '导出提现记录',
  'export.kind': '佣金类型',

  // commission earnings (features/commission)
  'nav.earnings': '佣金明细',
  'earnings.memberPlaceholder': '按获佣人筛选',
  'earnings.buyer': '买家',
  'earnings.kind': '类型',
  'earnings.frozenUntil': '冻结至',
  'earnings.createdAt': '产生时间',
  'enum.earningKind.distribution': '分销佣金',
  'enum.earningKind.agent_regional': '区域代理奖励',
  'enum.earningKind.agent_sales': '代理销售奖',
  'enum.earningKind.coupon_guide': '导购返佣',
  'enum.earningKind.supplier_settlement': '供应商结算',
  'enum.earningKind.dealer_sale': '订货商销售',
  'enum.earningKind.dealer_rebate': '订货商返利',
  'member.detail': '会员详情',
  'member.actions': '管理操作',
  'member.actionRebind': '改绑推荐人',
  'member.actionTier': '设置等级',
  'member.actionGroup': '设置分组',
  'member.actionStatus': '分销商状态',
  'member.actionRole': '总部角色',
  'member.overview': '概览',
  'member.referrer': '推荐人',
  'member.noReferrer': '无推荐人（顶层会员）',
  'member.boundVia': '来源：{source}',
  'member.expiresAt': '有效至 {at}',
  'member.balances': '佣金余额',
  'member.balPending': '待结算',
  'member.balFrozen': '冻结中',
  'member.balAvailable': '可提现',
  'member.balWithdrawing': '提现中',
  'member.balDebt': '欠款',
  'member.balTotal': '累计佣金',
  'member.team': '团队',
  'member.teamSize': '团队人数',
  'member.directCount': '直推人数',
  'member.teamSales': '团队业绩',
  'member.maxDepth': '团队层级',
  'member.uplines': '上级链路',
  'member.uplineN': '上 {n} 级',
  'member.noUplines': '没有上级',
  'member.uplinesNote': '橙色为可获佣的前三级；更高层级不参与分佣。',
  'member.teamDepth': '层级',
  'member.depthDirect': '直推（1 级）',
  'member.depthN': '前 {n} 级',
  'member.depthAll': '全部层级',
  'member.level': '层级',
  'member.levelN': '第 {n} 级',
  'member.sales': '业绩',
  'member.orderCount': '订单',
  'member.joinedAt': '加入时间',
  'member.bindingHistory': '绑定历史',
  'member.oldReferrer': '原推荐人',
  'member.newReferrer': '新推荐人',
  'member.source': '来源',
  'member.rebindWarning': '改绑会把该会员连同其整个团队移到新推荐人下；已经产生的佣金不会改变。此操作会写入操作日志。',
  'member.detach': '解除绑定（不再有推荐人）',
  'member.referrerRequired': '请选择新推荐人',
  'member.groupClearHint': '清空即移出分组',
  'member.roleWarning': '总部角色决定此人能在后台看到和操作什么，请谨慎授予。',
  'member.noRole': '无（移除总部角色）',

  // applications
  'applications.note': '申请说明',
  'applications.appliedAt': '申请时间',
  'applications.reviewReason': '审核意见',
  'applications.approved': '已通过申请',
  'applications.rejected': '已驳回申请',
  'applications.approveTitle': '通过 {name} 的分销商申请',
  'applications.rejectTitle': '驳回 {name} 的分销商申请',

  // tiers & groups
  'tiers.tiers': '分销等级',
  'tiers.tiersHint': '各等级的佣金比例在「规则配置」中设置。',
  'tiers.groups': '分销商分组',
  'tiers.addTier': '新增等级',
  'tiers.editTier': '编辑等级',
  'tiers.addGroup': '新增分组',
  'tiers.name': '名称',
  'tiers.rank': '排序 (rank)',
  'tiers.rankHint': '数字越大等级越高（1–100）',

  // rules
  'rules.title': '佣金规则',
  'rules.currentVersion': '当前版本 #{id}',
  'rules.tabCommission': '佣金',
  'rules.tabBinding': '绑定关系',
  'rules.tabDistributor': '成为分销商',
  'rules.tabPayout': '提现',
  'rules.tabOrder': '订单与运费',
  'rules.levels': '分佣层级',
  'rules.levelsHint': '默认 3 级；超过 3 级须填写合规说明',
  'rules.cap': '佣金总额上限',
  'rules.capHint': '一笔订单佣金合计不超过实付商品金额的此比例',
  'rules.freezeDays': '冻结期',
  'rules.freezeDaysHint': '订单完成后多少天佣金才可提现（退货期）',
  'rules.selfPurchase': '自购返佣',
  'rules.selfPurchaseHint': '开启后，分销商自己下单时自己算作一级',
  'rules.complianceTitle': '合规警告：超过三级分佣可能构成传销',
  'rules.complianceBody': '依据《禁止传销条例》，按三级以上层级计酬、或仅因发展下线而计酬，可能被认定为传销。除非已经法务确认，请保持三级以内。如确需开启，请写明理由（至少 10 个字），该理由会随规则版本永久留存并写入操作日志。',
  'rules.overrideReason': '合规说明（必填）',
  'rules.overrideReasonRequired': '超过三级必须填写合规说明',
  'rules.overrideReasonLength': '合规说明需 10–500 个字',
  'rules.complianceConfirmTitle': '确认开启超过三级的分佣？',
  'rules.complianceConfirmBody': '你正在保存 {n} 级分佣规则。这可能违反《禁止传销条例》，此次保存及合规说明会被记录在操作日志中。',
  'rules.complianceConfirmOk': '我已确认，保存',
  'rules.tierRates': '等级佣金比例',
  'rules.tierRatesHint': '按分销等级设置各级佣金比例（%），第 1 级为离买家最近的分销商。未设置的等级沿用等级 1 的比例。',
  'rules.levelN': '{n} 级',
  'rules.overrides': '商品 / SKU 单独佣金',
  'rules.overridesHint': '为个别商品或 SKU 设置比例（%）或固定金额（每件 ¥），优先于等级比例；SKU 优先于商品。',
  'rules.scopeProduct': '商品',
  'rules.scopeSku': 'SKU',
  'rules.pickTarget': '选择商品或 SKU',
  'rules.modeRate': '按比例',
  'rules.modeFixed': '固定金额/件',
  'rules.addOverride': '添加单独佣金',
  'rules.trigger': '绑定时机',
  'rules.triggerHint': '何时与分享者形成推荐关系',
  'rules.trigger.first_visit': '首次访问分享链接',
  'rules.trigger.registration': '注册时',
  'rules.trigger.first_order': '首次下单时',
  'rules.protectionDays': '保护期',
  'rules.protectionDaysHint': '首次访问后，在此天数内其他人的链接不能抢绑',
  'rules.permanence': '绑定期限',
  'rules.permanence.permanent': '永久绑定',
  'rules.permanence.days': '有效期（天）',
  'rules.permanence.last_touch': '以最后一次点击为准',
  'rules.validDays': '有效天数',
  'rules.newUsersOnly': '仅新用户可绑定',
  'rules.newUsersOnlyHint': '老用户点击分享链接不会改变推荐关系',
  'rules.distributorMode': '成为分销商的方式',
  'rules.distributorMode.automatic': '注册即成为',
  'rules.distributorMode.first_purchase': '首次购买后',
  'rules.distributorMode.spend_threshold': '累计消费达到门槛',
  'rules.distributorMode.application': '提交申请，总部审核',
  'rules.spendThreshold': '消费门槛',
  'rules.payoutMin': '最低提现金额',
  'rules.payoutFee': '提现手续费',
  'rules.payoutDailyLimit': '每日提现次数上限',
  'rules.payoutAutoApprove': '自动审核上限',
  'rules.payoutAutoApproveHint': '不超过此金额的提现自动通过；0 表示全部人工审核',
  'rules.payoutChannels': '提现渠道',
  'rules.channelsRequired': '至少选择一个渠道',
  'rules.shipping': '运费',
  'rules.freeShippingMin': '包邮门槛',
  'rules.freeShippingMinHint': '0 表示不包邮',
  'rules.unpaidClose': '未付款自动关闭',
  'rules.unpaidCloseHint': '下单后超过这么久未付款，订单自动关闭并释放库存；0 表示不自动关闭',
  'rules.autoReceive': '自动确认收货',
  'rules.autoReceiveHint': '最后一个包裹发出后这么多天，订单自动确认收货，佣金随之进入冻结期；0 表示只由买家或总部确认',
  'rules.receiveExtension': '延长收货',
  'rules.returnShipDays': '退货寄回期限',
  'rules.returnShipDaysHint': '同意退货后，买家须在这么多天内寄出，逾期申请自动关闭',
  'rules.afterSalesReviewDays': '售后处理时限',
  'rules.afterSalesReviewDaysHint': '买家申请售后后，总部（或供应商）须在这么多天内处理，逾期自动同意：仅退款直接退款，退货退款发给买家默认退货地址',
  'rules.returnReceiveDays': '退货签收时限',
  'rules.returnReceiveDaysHint': '买家寄回退货后，须在这么多天内确认收货，逾期自动确认并退款',
  'rules.returnAddress': '默认退货地址',
  'rules.returnAddressHint': '同意退货时默认填入；留空则每次同意时填写',
  'rules.receiveExtensionHint': '买家每单可延长一次自动确认收货，推后这么多天；0 表示不可延长',
  'rules.minutes': '分钟',
  'rules.fullReduction': '满减',
  'rules.reachPrefix': '满',
  'rules.offPrefix': '减',
  'rules.addFullReduction': '添加满减档位',
  'rules.notePlaceholder': '版本说明（可选），例如：双十一提高二级佣金',
  'rules.save': '保存为新版本',
  'rules.savedTitle': '已保存为版本 #{id}',
  'rules.savedBody': '新规则对此后支付的订单生效；已支付订单仍按原版本结算。',
  'rules.invalid': '规则填写有误',
  'rules.required': '必填',
  'rules.badMoney': '请输入金额，最多两位小数',
  'rules.badPercent': '请输入 0–100 之间的百分比，最多两位小数',
  'rules.versions': '版本历史',
  'rules.version': '版本',
  'rules.note': '说明',
  'rules.versionsHint': '每次保存都会生成新版本；订单按支付时生效的版本计算佣金。',
  'rules.rawJson': '当前配置（JSON）',
  // rule changes past a risk line wait for a second owner/finance member (pages/RuleChanges.tsx)
  'ruleChanges.title': '待审批的规则修改',
  'ruleChanges.none': '没有待审批的修改',
  'ruleChanges.hint': '涉及资金风险的修改（自动审核上限超过 ¥500、冻结期短于 7 天、每日提现超过 10 次、提高任何佣金）须由另一位老板或财务审批后才生效。',
  'ruleChanges.operatorHint': '佣金与提现等资金相关设置只有老板或财务可以修改；你可以修改绑定关系、成为分销商方式、订单与运费。',
  'ruleChanges.financeHint': '财务只能修改佣金与提现等资金相关设置；绑定关系、成为分销商方式、订单与运费请由老板或运营修改。',
  'ruleChanges.pendingTitle': '修改 #{id} 已提交，等待第二位审批人',
  'ruleChanges.pendingBody': '此次修改超过了资金风控线，需要另一位老板或财务审批后才会生效。在此之前仍按当前规则（版本 #{version}）执行。超过的风控线：',
  'ruleChanges.proposedBy': '{name} 提交于 {time}，基于版本 #{version}',
  'ruleChanges.stale': '规则已变更，无法通过',
  'ruleChanges.waitingOther': '等待另一位老板或财务审批',
  'ruleChanges.onlyMoneyRoles': '只有老板或财务可以审批',
  'ruleChanges.approveConfirm': '通过修改 #{id}？',
  'ruleChanges.approveConfirmBody': '通过后将按提交的内容保存为新版本，立即对此后支付的订单生效。',
  'ruleChanges.approvedMsg': '已通过，已保存为新版本',
  'ruleChanges.rejectTitle': '驳回修改 #{id}',
  'ruleChanges.rejectedMsg': '已驳回',
  'ruleChanges.withdraw': '撤回',
  'ruleChanges.withdrawConfirm': '撤回这次修改？',
  'ruleChanges.withdrawReason': '提交人撤回',
  'ruleChanges.withdrawnMsg': '已撤回',
  'ruleChanges.on': '开启',
  'ruleChanges.off': '关闭',
  'ruleChanges.tier': '等级 {id}',
  'ruleChanges.field.productOverrides': '商品单独佣金',
  'ruleChanges.field.skuOverrides': 'SKU 单独佣金',
  'ruleChanges.field.adjustmentSecondApproval': '佣金调整二人审批线',
  'ruleChanges.field.payoutSecondApproval': '提现二人审批线',
  'ruleChanges.line.payout.autoApproveMaxFen': '自动审核上限超过 ¥500',
  'ruleChanges.line.commission.freezeDays': '冻结期短于 7 天',
  'ruleChanges.line.payout.dailyCountLimit': '每日提现次数超过 10 次',
  'ruleChanges.line.commission.levels': '增加分佣层级',
  'ruleChanges.line.commission.complianceOverride': '设置或修改合规例外',
  'ruleChanges.line.commission.selfPurchase': '开启自购返佣',
  'ruleChanges.line.commission.capBp': '提高佣金总额上限',
  'ruleChanges.line.commission.tierRatesBp': '提高佣金比例',
  'ruleChanges.line.commission.productOverrides': '新增、删除或提高商品单独佣金',
  'ruleChanges.line.commission.skuOverrides': '新增、删除或提高 SKU 单独佣金',
  'ruleChanges.err.moneyRoleTitle': '无权修改资金相关设置',
  'ruleChanges.err.moneyRoleBody': '只有老板或财务可以修改佣金、冻结期、提现等资金相关设置。你修改了：{fields}。请点“重置”撤销这些修改后再保存，或请老板或财务来修改。',
  'ruleChanges.err.financeOnlyTitle': '财务只能修改资金相关设置',
  'ruleChanges.err.financeOnlyBody': '以下设置请由老板或运营修改：{fields}。请撤销这些修改后再保存。',
  'ruleChanges.err.financeNothing': '这次保存没有修改任何资金相关设置，无需保存。',
  'ruleChanges.err.ownTitle': '不能审批自己提交的修改',
  'ruleChanges.err.ownBody': '这次修改需要另一位老板或财务审批。',
  'ruleChanges.err.staleTitle': '规则已变更，此修改已失效',
  'ruleChanges.err.staleBody': '提交之后已有新版本生效。请基于当前规则重新提交这次修改。',
  'ruleChanges.err.decidedTitle': '此修改已被处理',
  'ruleChanges.err.decidedBody': '其他人已经通过或驳回了这次修改，列表已刷新。',
  'audit.actions.rules.change_proposed': '提交规则修改（待审批）',
  'audit.actions.rules.change_approved': '通过规则修改',
  'audit.actions.rules.change_rejected': '驳回规则修改',
  'audit.actions.rules.change_superseded': '规则修改失效（规则已变更）',

  // dry run
  'dryRun.input': '试算条件',
  'dryRun.hint': '选择买家和商品，按规则计算这笔订单会给谁多少佣金。不会下单，也不会产生任何资金变动。',
  'dryRun.buyer': '买家',
  'dryRun.buyerRequired': '请选择会员',
  'dryRun.ruleVersion': '规则版本',
  'dryRun.ruleVersionHint': '留空使用当前版本',
  'dryRun.sku': '选择 SKU',
  'dryRun.skuRequired': '请选择 SKU',
  'dryRun.itemsRequired': '至少添加一件商品',
  'dryRun.addItem': '添加商品',
  'dryRun.submit': '开始试算',
  'dryRun.result': '试算结果',
  'dryRun.empty': '填写左侧条件后点击「开始试算」',
  'dryRun.noMoneyMoves': '按规则版本 #{id} 计算，仅供参考，不产生资金变动',
  'dryRun.totalCommission': '佣金合计',
  'dryRun.noEarnings': '这笔订单不产生佣金（买家上方没有分销商，或规则不计佣）',
  'dryRun.line': '行',
  'dryRun.level': '层级',
  'dryRun.earner': '获佣人',
  'dryRun.base': '计佣基数',
  'dryRun.rate': '比例',
  'dryRun.amount': '佣金',

  // products
  'products.search': '搜索商品名称',
  'products.create': '新建商品',
  'products.edit': '编辑商品',
  'products.editSku': '编辑 SKU',
  'products.title': '商品名称',
  'products.category': '类目',
  'products.minPrice': '最低价',
  'products.skuCount': 'SKU 数',
  'products.stock': '库存',
  'products.imageUrl': '图片地址',
  'products.description': '描述',
  'products.skus': '规格 (SKU)',
  'products.skuName': '规格名称',
  'products.skuNameRequired': '请填写规格名称',
  'products.price': '价格',
  'products.badPrice': '请输入大于 0 的价格，最多两位小数',
  'products.addSku': '添加规格',
  'products.skuEditHint': '规格与 SKU 矩阵请点列表中的「规格」编辑；单个 SKU 的价格与库存也可展开商品后编辑。',
  'products.specs': '规格',
  'products.selectable': '开放选品',
  'products.selectableHint': '分销员可把它选入自己的微店；关闭后已选的微店也不再展示（商城照常售卖）',
  'products.notSelectable': '不开放选品',
  'products.skuNamedBySpecs': '按规格值命名：在「规格」中修改规格值',
  'specs.title': '规格 · {title}',
  'specs.hint': '规格（如 颜色、尺码，最多 3 个）的值组合生成 SKU，每个组合单独设置价格、划线价（须高于售价，可不填）、库存和图片。保留的组合沿用原 SKU；删除的组合停售，历史订单不受影响。',
  'specs.attributeName': '规格名，如 颜色',
  'specs.values': '输入规格值后按回车',
  'specs.addAttribute': '添加规格',
  'specs.bulk': '批量设置',
  'specs.applyAll': '应用到全部',
  'specs.picture': '规格图',
  'specs.listPrice': '划线价',
  'specs.productPicture': '商品主图',
  'specs.commission': '单独佣金',
  'specs.commissionHint': '单独佣金（按 SKU）在「规则 › 单独佣金」中设置，佣金调整会留版本并按规则审批。',
  'specs.single': '单一规格',
  'specs.new': '新',
  'specs.tooMany': '共 {n} 个组合，最多 200 个',
  'products.takeOff': '下架',
  'products.putOn': '上架',
  'products.picture': '图片',
  'products.images': '商品图片',
  'products.imagesHint': '第一张为主图（列表与分享展示），其余为轮播图；箭头调整顺序，星标设为主图。支持 JPG、PNG、WebP、GIF，建议正方形、不小于 1080 px。',
  'products.detailImages': '详情图',
  'products.detailImagesHint': '显示在商店商品描述下方，自上而下按此顺序排列；建议宽度 750–1080 px。',
  'products.upload': '上传图片',
  'products.uploading': '上传中…',
  'products.uploadFailed': '{name} 上传失败：{reason}',
  'products.uploadsPending': '图片还在上传，请稍候再保存',
  'products.mainImage': '主图',
  'products.setMain': '设为主图',
  'products.moveEarlier': '前移',
  'products.moveLater': '后移',
  'products.removeImage': '移除',

  // orders
  'order.order': '订单',
  'order.orderNo': '订单号',
  'order.searchPlaceholder': '搜索订单号',
  'order.refundRequestPending': '买家申请退款 {amount}，待审核',
  'order.refundRequestReview': '去审核',
  'order.deliveryMethod': '配送方式',
  'order.delivery.express': '快递',
  'order.delivery.pickup': '门店自提',
  'order.buyerNote': '买家留言',
  'order.invoice': '发票',
  'order.invoiceCompany': '单位',
  'order.invoicePersonal': '个人',
  'order.consignee': '收货人',
  'order.consigneePhone': '联系电话',
  'order.address': '收货地址',
  'order.pickupStore': '自提门店',
  'order.buyer': '买家',
  'order.summary': '商品',
  'order.source': '来源',
  'order.source.share_link': '分享链接',
  'order.source.poster': '海报',
  'order.source.store': '门店',
  'order.source.direct': '直接访问',
  'order.sharer': '分享人',
  'order.goods': '商品金额',
  'order.discount': '优惠',
  'order.shipping': '运费',
  'order.payable': '应付',
  'order.paid': '实付',
  'order.refunded': '已退',
  'order.createdAt': '下单时间',
  'order.paidAt': '支付时间',
  'order.shippedAt': '发货时间',
  'order.completedAt': '完成时间',
  'order.closedAt': '关闭时间',
  'order.ruleVersion': '佣金规则版本',
  'order.lines': '商品明细',
  'order.line': '行',
  'order.item': '商品',
  'order.qty': '数量',
  'order.unitPrice': '单价',
  'order.linePaid': '实付',
  'order.payments': '支付记录',
  'order.provider': '渠道',
  'order.outTradeNo': '商户单号',
  'order.refunds': '退款记录',
  'order.earnings': '佣金明细',
  'order.reversed': '已冲回',
  'order.ship': '发货',
  'order.shipConfirm': '确认已发货？',
  'order.addParcels': '补发包裹',
  'parcels.title': '物流包裹',
  'parcels.carrier': '快递公司',
  'parcels.carrierRequired': '请选择快递公司',
  'parcels.trackingNo': '快递单号',
  'parcels.trackingNoRule': '4–40 位字母、数字或 -',
  'parcels.shippedBy': '发货方',
  'parcels.by.hq': '总部',
  'parcels.by.supplier': '供应商',
  'parcels.tracking': '物流状态',
  'parcels.noTracking': '暂无物流信息',
  'parcels.none': '尚未发货',
  'parcels.noParcel': '无需物流发货',
  'parcels.autoReceive': '将于 {at} 自动确认收货',
  'parcels.extended': '买家已于 {at} 延长收货',
  'parcels.shipTitle': '发货',
  'parcels.addTitle': '补发包裹',
  'parcels.noCarrier': '无需物流（如同城自送、虚拟商品）',
  'parcels.addParcel': '再加一个包裹',
  'parcels.remove': '删除此包裹',
  'parcels.state.in_transit': '运输中',
  'parcels.state.collected': '已揽收',
  'parcels.state.problem': '疑难件',
  'parcels.state.delivered': '已签收',
  'parcels.state.returned': '退签',
  'parcels.state.out_for_delivery': '派送中',
  'parcels.state.customs': '清关中',
  'parcels.state.rejected': '拒签',
  'order.complete': '确认收货',
  'order.completeConfirm': '确认买家已收货？',
  'order.completeHint': '确认后进入退货期，佣金在冻结期满后可提现。',
  'order.refund': '退款',
  'order.refundTitle': '退款：订单 {no}',
  'order.refundHint': '按行填写退款金额，佣金将按比例冲回。已提现的佣金会形成欠款，由后续佣金抵扣。',
  'order.refundable': '可退',
  'order.refundAmount': '退款金额',
  'order.refundAll': '全额',
  'order.refundShipping': '退运费（最多 {max}）',
  'order.refundTotal': '本次退款合计',
  'order.refundSubmit': '确认退款',
  'order.refundNothing': '请至少填写一行退款金额',
  'order.refundTooMuch': '不能超过可退金额 {max}',
  'order.refundCreated': '已发起退款 {no}',
  'order.refundDuplicate': '重复提交，返回的是已有退款',
  'order.idempotencyKey': '幂等键',

  // refunds
  'refunds.no': '退款单号',
  'refunds.completedAt': '完成时间',
  'refunds.provider': '渠道处理',
  'refunds.providerRefused': '渠道拒绝 {code}（第 {tries} 次，自动重试）',
  'refunds.providerWaiting': '已受理，等待结果（{tries} 次）',
  'refundRequests.amount': '申请金额',
  'refundRequests.unavailable': '退款申请功能尚未上线',
  'refundRequests.unavailableHint': '服务器暂未提供 /api/admin/refund-requests。可在订单详情中直接发起退款。',
  'refundRequests.approveTitle': '通过退款申请 #{id}',
  'refundRequests.rejectTitle': '驳回退款申请 #{id}',
  'refundRequests.summary': '订单 {order}，申请退款 {amount}。通过后将立即按申请发起退款。',
  'refundRequests.approvedMsg': '已通过，退款已发起',
  'refundRequests.rejectedMsg': '已驳回',
  'afterSales.title': '售后',
  'afterSales.kind': '类型',
  'afterSales.reasonCode': '原因',
  'enum.afterSales.pending': '待审核',
  'enum.afterSales.awaiting_return': '待买家寄回',
  'enum.afterSales.returning': '退货中',
  'enum.afterSales.approved': '已退款',
  'enum.afterSales.rejected': '已驳回',
  'enum.afterSales.cancelled': '买家已撤销',
  'enum.afterSales.expired': '超时关闭',
  'afterSales.return': '退货物流',
  'afterSales.returnDue': '{at} 前寄回',
  'afterSales.reviewDue': '{at} 前未处理将自动同意',
  'afterSales.receiveDue': '{at} 前未确认收货将自动退款',
  'afterSales.overdueHint': '已逾期，等待人工处理',
  'afterSales.deadline': '处理时限',
  'afterSales.supplierAddressKept': '此地址会保存为你的默认退货地址：逾期未处理而自动同意的退货也寄往这里。',
  'afterSales.approveReturnTitle': '同意退货 #{id}',
  'afterSales.approveReturnHint': '买家将按下面的地址寄回商品；收到并确认后才会退款。',
  'afterSales.returnName': '收件人',
  'afterSales.returnPhone': '电话',
  'afterSales.returnAddress': '退货地址',
  'afterSales.receive': '确认收货并退款',
  'afterSales.refuse': '拒绝退货',
  'afterSales.receiveTitle': '确认收到退货 #{id}',
  'afterSales.receiveHint': '确认后立即按申请原路退款 {amount}。',
  'afterSales.refuseTitle': '拒绝退货 #{id}',
  'afterSales.receivedMsg': '已确认收货，退款已发起',
  'afterSales.awaitingMsg': '已同意退货，等待买家寄回',

  // payouts
  'payouts.no': '提现单号',
  'payouts.member': '会员',
  'payouts.fee': '手续费',
  'payouts.net': '实际到账',
  'payouts.destination': '收款方式',
  'payouts.auto': '自动通过',
  'payouts.attempts': '次数',
  'payouts.note': '备注',
  'payouts.createdAt': '申请时间',
  'payouts.approveConfirm': '确认通过并打款 {amount}？',
  'payouts.approvedMsg': '已通过，正在打款',
  'payouts.rejectTitle': '驳回提现 {no}（{amount}）',
  'payouts.rejectHint': '驳回后金额退回会员的可提现余额。',
  'payouts.rejectedMsg': '已驳回，金额已退回',
  'payouts.retry': '重试打款',
  'payouts.retryConfirm': '使用同一提现单号重新打款？',
  'payouts.retriedMsg': '已重新发起打款',

  // adjustments
  'adjust.title': '手动调整佣金',
  'adjust.hint': '为会员增加或扣减佣金（负数为扣减），计入可提现余额，必须填写原因，并写入操作日志。同一幂等键重复提交不会重复入账。',
  'adjust.member': '会员',
  'adjust.amount': '调整金额（元）',
  'adjust.amountHint': '例如 50 或 -12.34，最多两位小数',
  'adjust.nonZero': '金额不能为 0',
  'adjust.preview': '将调整',
  'adjust.submit': '提交调整',
  'adjust.confirmTitle': '确认调整佣金？',
  'adjust.confirmBody': '为会员 #{id} 调整 {amount}。',
  'adjust.done': '已调整',
  'adjust.balances': '会员当前余额',
  'adjust.pickMember': '选择会员后显示余额',
  'adjust.last': '上一次调整',
  'adjust.response': '返回',

  // audit
  'audit.action': '动作',
  'audit.target': '对象',
  'audit.targetType': '对象类型',
  'audit.targetId': '对象 ID',
  'audit.path': '字段',
  'audit.before': '修改前',
  'audit.after': '修改后',
  'audit.noChanges': '没有变化',
  'audit.showUnchanged': '显示未变化的字段（{n}）',
  'audit.more': '加载更多',
  'audit.end': '没有更多了',
  'audit.actions.commission.adjust': '佣金调整',
  'audit.actions.distributor.group': '设置分组',
  'audit.actions.distributor.status': '分销商状态',
  'audit.actions.distributor.tier': '设置等级',
  'audit.actions.group.create': '新建分组',
  'audit.actions.member.role': '总部角色',
  'audit.actions.order.refund': '退款',
  'audit.actions.order.refund_request.reject': '驳回退款申请',
  'audit.actions.payout.approve': '通过提现',
  'audit.actions.payout.reject': '驳回提现',
  'audit.actions.payout.retry': '重试提现',
  'audit.actions.referral.rebind': '改绑推荐人',
  'audit.actions.rules.compliance_override': '合规例外（超过三级）',
  'audit.actions.rules.save': '保存规则',
  'audit.actions.tier.save': '保存等级',

  // reconciliation
  'recon.title': '账务对账',
  'recon.run': '重新对账',
  'recon.ok': '全部检查通过',
  'recon.notOk': '发现差异，请排查',
  'recon.checkedAt': '检查时间',
  'recon.transfers': '共 {n} 笔分录',
  'recon.differences': '{n} 处差异',
  'recon.unfreeze': '执行解冻',
  'recon.unfreezeConfirm': '立即执行解冻任务？',
  'recon.unfreezeHint': '把冻结期已满的佣金转为可提现（平时由定时任务执行）。',
  'recon.unfreezeDone': '解冻完成',
  'recon.return': '原路退回',
  'recon.returnConfirm': '把订单 {orderNo} 收到的 {amount} 原路退回给付款人？',
  'recon.returnHint': '这笔款项到达时订单已关闭（或已由另一笔付款支付），订单本身无可退。退款经原支付渠道发出，记入操作日志。',
  'recon.returnReason': '订单关闭后到账的付款，原路退回',
  'recon.returnDone': '退回已提交：{status}',
  'recon.returnStatus.succeeded': '已原路退回',
  'recon.returnStatus.processing': '退款处理中，以支付渠道的结果为准',
  'recon.returnStatus.failed': '支付渠道退回失败，可稍后重试',
  'recon.check.payments_without_order': '每笔成功付款都属于一笔已支付订单，或已原路退回（否则应退还付款人）',
  'recon.check.refunds_paid_twice': '没有超出订单实付的退款（退款失败后又重退、渠道迟到成功）',
  'recon.check.checkpoints_match_transfers': '每个余额快照等于该账户快照前的分录之和',
  'recon.check.ledger_sums_to_zero': '借贷平衡：所有账户余额之和为零',
  'recon.check.no_overdraft': '无透支：可用账户不为负，欠款账户不为正',
  'recon.check.earning_matches_ledger': '每笔佣金恰好入账一次，冲回合计等于已冲回金额',
  'recon.check.pending_and_frozen_match_earnings': '会员待结算、冻结余额与其佣金记录一致',
  'recon.check.commission_within_order': '订单佣金不超过其实付金额',
  'recon.check.withdrawing_matches_payouts': '提现中余额与审核中、打款中的提现一致',
  'recon.check.paid_out_matches_payouts': '已打款金额加手续费等于已到账提现',
  'recon.check.refunds_match_orders': '订单及每行的已退金额等于成功退款之和',
  'recon.check.paid_orders_have_one_payment': '每笔已付订单恰有一笔成功支付',
  'recon.check.statement_differences': '支付渠道日账单的每一行都与我方的支付、退款和提现一致，我方每笔也都在账单上（财务未处理的差异）',
  'recon.check.statements_fetched': '每份应拉取的渠道账单在到期两天内已拉取（超过两天未就绪或失败需要查看）',

  // account security: sign-in second step, password, TOTP, error codes of the auth API
  'nav.security': '账号安全',
  'auth.mfaTitle': '两步验证',
  'auth.mfaHint': '请输入身份验证器 App 中显示的 6 位验证码',
  'auth.mfaCode': '验证码',
  'auth.mfaCodeInvalid': '请输入 6 位数字验证码',
  'auth.mfaRecovery': '恢复码',
  'auth.mfaRecoveryHint': '无法使用身份验证器时，可输入一个未使用过的恢复码（每个只能用一次）',
  'auth.mfaRecoveryRequired': '请输入恢复码',
  'auth.mfaUseRecovery': '使用恢复码',
  'auth.mfaUseCode': '使用验证码',
  'auth.mfaVerify': '验证并登录',
  'auth.back': '返回',
  'password.title': '修改密码',
  'password.forcedTitle': '请设置新密码',
  'password.forcedHint': '你正在使用一次性密码。为了账号安全，请先设置新密码，之后才能使用后台。',
  'password.current': '当前密码',
  'password.new': '新密码',
  'password.confirm': '确认新密码',
  'password.newRequired': '请输入新密码',
  'password.tooShort': '密码需 8–64 位',
  'password.mismatch': '两次输入的新密码不一致',
  'password.submit': '保存新密码',
  'password.changed': '密码已修改，其他设备上的登录已退出',
  'password.wrongCurrent': '当前密码不正确',
  'security.mfa': '两步验证（TOTP）',
  'security.mfaOn': '已开启',
  'security.mfaOff': '未开启',
  'security.mfaIntro': '开启后，登录时除密码外还需输入身份验证器 App（如腾讯身份验证器、Google Authenticator、Microsoft Authenticator）生成的 6 位验证码。',
  'security.mfaRequired': '总部账号必须开启两步验证后才能继续使用后台。',
  'security.setup': '开启两步验证',
  'security.scan': '1. 用身份验证器 App 扫描二维码；无法扫码时，手动输入下面的密钥。',
  'security.secret': '密钥',
  'security.enterCode': '2. 输入 App 显示的 6 位验证码以确认：',
  'security.enable': '确认开启',
  'security.enabled': '两步验证已开启',
  'security.recoveryTitle': '恢复码',
  'security.recoveryWarning': '请立即保存这些恢复码，它们只显示这一次。手机丢失或无法使用身份验证器时，每个恢复码可代替验证码登录一次。',
  'security.copy': '复制全部',
  'security.copied': '已复制',
  'security.copyFailed': '复制失败，请手动选择复制',
  'security.recoveryDone': '我已妥善保存',
  'security.disable': '关闭两步验证',
  'security.disableHint': '输入身份验证器中当前的 6 位验证码以关闭两步验证。',
  'security.disableConfirm': '确认关闭',
  'security.disabled': '两步验证已关闭',
  'security.cancel': '取消',
  'security.password': '登录密码',
  'error.code.LOGIN_BACKOFF': '尝试过多，请稍后再试',
  'error.code.LOGIN_BACKOFF.wait': '尝试过多，请 {n} 秒后再试',
  'error.code.LOGIN_RATE_LIMITED': '登录请求过多，请稍后再试',
  'error.code.LOGIN_RATE_LIMITED.wait': '登录请求过多，请 {n} 秒后再试',
  'error.code.SMS_TOO_FREQUENT': '验证码发送太频繁，请稍后再试',
  'error.code.SMS_TOO_FREQUENT.wait': '验证码发送太频繁，请 {n} 秒后再试',
  'error.code.SMS_DAILY_LIMIT': '该手机号今天获取验证码的次数已达上限，请明天再试',
  'error.code.SMS_IP_LIMIT': '当前网络获取验证码的次数过多，请稍后再试',
  'error.code.SMS_BUSY': '短信发送繁忙，请稍后再试',
  'error.code.SMS_UNAVAILABLE': '短信服务暂不可用，请稍后再试',
  'error.code.SMS_CODE_INVALID': '验证码错误或已过期',
  'error.code.PHONE_TAKEN': '该手机号已被其他账号使用',
  'error.code.REFRESH_INVALID': '登录已过期，请重新登录',
  'error.code.SESSION_ENDED': '登录已失效，请重新登录',
  'error.code.TOKEN_EXPIRED': '登录已过期，请重新登录',
  'error.code.PASSWORD_CHANGE_REQUIRED': '请先设置新密码',
  'error.code.PASSWORD_UNCHANGED': '新密码不能与原密码相同',
  'error.code.MFA_REQUIRED': '总部账号必须保持两步验证开启，不能关闭',
  'error.code.MFA_TOKEN_INVALID': '验证已超时，请重新输入密码登录',
  'error.code.MFA_ALREADY_ENABLED': '两步验证已经开启',
  'error.code.MFA_NOT_SET_UP': '请先扫码设置身份验证器',
  'error.code.ACCOUNT_DISABLED': '该账号已停用',
  'error.code.MFA_CODE_INVALID': '验证码或恢复码不正确',
  'error.code.MFA_ENROLMENT_REQUIRED': '请先在「账号安全」中开启两步验证',
  'error.code.WECHAT_LOGIN_FAILED': '微信登录失败',
  'error.code.TICKET_INVALID': '登录凭证已失效，请重新登录',
};

export type Key = keyof typeof zh;


export type Locale = 'zh' | 'en';

// What a login needs is here; the rest loads on demand so that a login downloads only what it opens:
// the English core (i18n-en.ts) when English is chosen, the feature screens' strings
// (features/*/i18n.ts) when the signed-in console opens (useFeatureStrings in AppLayout).
// Every server error code has a label (web/shared/error-labels.ts); the app's own wins.
let enCore: Record<string, string> | null = null;
let featureStrings: { zh: Record<string, string>; en: Record<string, string> } | null = null;
const cache = new Map<string, Record<string, string>>();

function dictionaryOf(locale: Locale): Record<string, string> {
  const id = `${locale}:${enCore ? 1 : 0}:${featureStrings ? 1 : 0}`;
  let dict = cache.get(id);
  if (!dict) {
    const own = locale === 'zh' ? zh : (enCore ?? {});
    dict = { ...afterSalesLabelEntries(locale), ...errorLabelEntries(locale, 'error.code.'), ...labelEntries(locale), ...(featureStrings?.[locale] ?? {}), ...own };
    cache.set(id, dict);
  }
  return dict;
}

/** Loads a locale's core strings (English is a chunk of its own); resolves at once when they are here. */
export async function loadLocale(locale: Locale): Promise<void> {
  if (locale === 'en' && !enCore) enCore = (await import('./i18n-en')).en;
}

/** Loads every feature screen's strings (one chunk); resolves at once when they are here. */
export async function loadFeatureStrings(): Promise<void> {
  if (!featureStrings) {
    const { FEATURE_ZH, FEATURE_EN } = await import('./features/dictionaries');
    featureStrings = { zh: FEATURE_ZH, en: FEATURE_EN };
  }
}

type Vars = Record<string, string | number>;

export type Translate = ((key: Key, vars?: Vars) => string) & {
  /** For keys built at run time (enum values): undefined when the dictionary has no such key. */
  maybe: (key: string, vars?: Vars) => string | undefined;
  locale: Locale;
};

function interpolate(text: string, vars?: Vars): string {
  if (!vars) return text;
  return text.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m));
}

/** Translates with the strings loaded so far (loadLocale, loadFeatureStrings); a missing English string falls back to Chinese. */
export function makeTranslate(locale: Locale): Translate {
  const dict = dictionaryOf(locale);
  const zhDict = dictionaryOf('zh');
  const fn = ((key: Key, vars?: Vars) => interpolate(dict[key] ?? zh[key] ?? key, vars)) as Translate;
  fn.maybe = (key, vars) => {
    const text = dict[key] ?? zhDict[key];
    return text === undefined ? undefined : interpolate(text, vars);
  };
  fn.locale = locale;
  return fn;
}

const STORAGE_KEY = 'fenxiao.admin.locale';

function initialLocale(): Locale {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (saved === 'zh' || saved === 'en') return saved;
  } catch {
    /* ignore */
  }
  return 'zh';
}

interface I18nState {
  locale: Locale;
  setLocale: (l: Locale) => void;
  t: Translate;
  /** the feature screens' strings are loaded */
  features: boolean;
  wantFeatures: () => void;
}

const I18nContext = createContext<I18nState>({ locale: 'zh', setLocale: () => {}, t: makeTranslate('zh'), features: false, wantFeatures: () => {} });

export function I18nProvider({ children }: { children: ReactNode }) {
  const [locale, setLocaleState] = useState<Locale>(initialLocale);
  // a locale is shown once its strings are here (English: after its chunk loaded)
  const [shown, setShown] = useState<Locale | null>(() => (locale === 'zh' || enCore ? locale : null));
  const [features, setFeatures] = useState(() => featureStrings !== null);
  const setLocale = useCallback((l: Locale) => {
    setLocaleState(l);
    try {
      localStorage.setItem(STORAGE_KEY, l);
    } catch {
      /* ignore */
    }
  }, []);
  useEffect(() => {
    let live = true;
    loadLocale(locale).then(
      () => live && setShown(locale),
      () => live && setShown('zh'),
    );
    return () => {
      live = false;
    };
  }, [locale]);
  useEffect(() => {
    if (shown) document.documentElement.lang = shown === 'zh' ? 'zh-CN' : 'en';
  }, [shown]);
  const wantFeatures = useCallback(() => {
    if (!featureStrings) void loadFeatureStrings().then(() => setFeatures(true));
  }, []);
  const value = useMemo(() => ({ locale: shown ?? 'zh', setLocale, t: makeTranslate(shown ?? 'zh'), features, wantFeatures }), [shown, setLocale, features, wantFeatures]);
  // the first paint in English waits for its strings (a few milliseconds) rather than flashing Chinese
  if (shown === null) return null;
  return createElement(I18nContext.Provider, { value }, children);
}

/** The feature screens' strings: true once loaded (the signed-in console's layout asks for them). */
export function useFeatureStrings(): boolean {
  const { features, wantFeatures } = useContext(I18nContext);
  useEffect(() => {
    if (!features) wantFeatures();
  }, [features, wantFeatures]);
  return features;
}

export const useT = (): Translate => useContext(I18nContext).t;
export const useLocale = () => {
  const { locale, setLocale } = useContext(I18nContext);
  return { locale, setLocale };
};

/** For feature screens, whose keys live in their own dictionaries: unknown keys show as themselves. */
export function useFeatureT(): (key: string, vars?: Vars) => string {
  const t = useT();
  return useCallback((key: string, vars?: Vars) => t.maybe(key, vars) ?? key, [t]);
}
