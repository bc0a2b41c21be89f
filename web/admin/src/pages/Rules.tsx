// 佣金规则: one form over the rule config; saving makes a new version. Rates are shown in %, money in ¥.
import { MinusCircleOutlined, PlusOutlined, SaveOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Checkbox, Col, Form, Input, InputNumber, Row, Select, Space, Switch, Table, Tabs, Tag, Typography } from 'antd';
import type { Rule } from 'antd/es/form';
import { useEffect, useMemo, useState } from 'react';
import { api } from '../api';
import { useAuth } from '../auth';
import { describeError, useApi, useIsMobile } from '../hooks';
import { useT, type Translate } from '../i18n';
import { parsePercentToBp, parseYuanToFen } from '../../../shared/money';
import type { Items, Product, RulesResponse, Tier } from '../types';
import { configToForm, formToConfig, FormValueError, MAX_LEVELS_WITHOUT_OVERRIDE, type RulesForm } from './rulesForm';
import { pendingNotice, useRulesRun } from './RuleChanges';
import { isPendingChange, type RuleChange, type SavedVersion } from './ruleChangesModel';
import { RulesSidebar } from './RulesSidebar';

const moneyRule = (t: Translate, required = true): Rule => ({
  validator: (_r, v: string | undefined) => {
    if (v === undefined || v === null || String(v).trim() === '') return required ? Promise.reject(new Error(t('rules.required'))) : Promise.resolve();
    return parseYuanToFen(String(v)) === null ? Promise.reject(new Error(t('rules.badMoney'))) : Promise.resolve();
  },
});

const percentRule = (t: Translate, required = true): Rule => ({
  validator: (_r, v: string | undefined) => {
    if (v === undefined || v === null || String(v).trim() === '') return required ? Promise.reject(new Error(t('rules.required'))) : Promise.resolve();
    const bp = parsePercentToBp(String(v));
    return bp === null || bp > 10_000 ? Promise.reject(new Error(t('rules.badPercent'))) : Promise.resolve();
  },
});

function PercentInput(props: React.ComponentProps<typeof Input>) {
  return <Input inputMode="decimal" suffix="%" style={{ width: 110 }} {...props} />;
}
function YuanInput(props: React.ComponentProps<typeof Input>) {
  return <Input inputMode="decimal" prefix="¥" style={{ width: 160 }} {...props} />;
}

export default function RulesPage() {
  const t = useT();
  const { modal } = App.useApp();
  const mobile = useIsMobile();
  const { can, me } = useAuth();
  const writable = can('rules.write');
  const [changesKey, setChangesKey] = useState(0);
  const rules = useApi<RulesResponse>('/api/admin/rules');
  const tiers = useApi<Items<Tier>>('/api/admin/tiers');
  const products = useApi<Items<Product>>('/api/admin/products', { limit: 100 });
  const [form] = Form.useForm<RulesForm>();
  const { runRules, running } = useRulesRun();
  const [loadedVersion, setLoadedVersion] = useState<number | null>(null);

  const levels = Form.useWatch('levels', form) ?? 3;
  const distributorMode = Form.useWatch('distributorMode', form);
  const permanence = Form.useWatch(['binding', 'permanence'], form);
  const trigger = Form.useWatch(['binding', 'trigger'], form);

  const current = rules.data?.current;
  const tierList = tiers.data?.items ?? [];

  useEffect(() => {
    if (current && tiers.data && current.id !== loadedVersion) {
      form.setFieldsValue(configToForm(current.config, tierList.map((x) => x.id)));
      setLoadedVersion(current.id);
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [current, tiers.data]);

  const productOptions = useMemo(() => (products.data?.items ?? []).map((p) => ({ value: p.id, label: `#${p.id} ${p.title}` })), [products.data]);
  const skuOptions = useMemo(
    () => (products.data?.items ?? []).flatMap((p) => p.skus.map((s) => ({ value: s.id, label: `#${s.id} ${p.title} · ${s.name}` }))),
    [products.data],
  );

  const levelIdx = Array.from({ length: Math.max(1, Math.min(9, levels || 1)) }, (_, i) => i);

  const save = async () => {
    try {
      await form.validateFields();
    } catch {
      return;
    }
    if (!current) return;
    const values = form.getFieldsValue(true) as RulesForm;
    let config;
    try {
      config = formToConfig(values, current.config);
    } catch (e) {
      if (e instanceof FormValueError) modal.error({ title: t('rules.invalid'), content: e.message });
      return;
    }
    const doSave = async () => {
      const saved = await runRules(() => api.put<SavedVersion | RuleChange>('/api/admin/rules', { config, note: values.note?.trim() || undefined }));
      if (!saved) return;
      // 202: nothing changed yet, a second owner/finance member has to approve it
      if (isPendingChange(saved)) modal.warning(pendingNotice(t, saved));
      else modal.success({ title: t('rules.savedTitle', { id: saved.id }), content: t('rules.savedBody') });
      form.setFieldValue('note', undefined);
      setLoadedVersion(null);
      rules.reload();
      setChangesKey((n) => n + 1);
    };
    if (levels > MAX_LEVELS_WITHOUT_OVERRIDE) {
      modal.confirm({
        title: t('rules.complianceConfirmTitle'),
        content: t('rules.complianceConfirmBody', { n: levels }),
        okText: t('rules.complianceConfirmOk'),
        okButtonProps: { danger: true },
        onOk: doSave,
      });
    } else await doSave();
  };

  const commissionTab = (
    <>
      <Row gutter={24}>
        <Col xs={24} md={8}>
          <Form.Item name="levels" label={t('rules.levels')} rules={[{ required: true }]} extra={t('rules.levelsHint')}>
            <InputNumber min={1} max={9} precision={0} style={{ width: 120 }} data-testid="rules-levels" />
          </Form.Item>
        </Col>
        <Col xs={24} md={8}>
          <Form.Item name="capPct" label={t('rules.cap')} rules={[percentRule(t)]} extra={t('rules.capHint')}>
            <PercentInput data-testid="rules-cap" />
          </Form.Item>
        </Col>
        <Col xs={24} md={8}>
          <Form.Item name="freezeDays" label={t('rules.freezeDays')} rules={[{ required: true }]} extra={t('rules.freezeDaysHint')}>
            <InputNumber min={0} max={365} precision={0} style={{ width: 120 }} suffix={t('common.days')} data-testid="rules-freeze-days" />
          </Form.Item>
        </Col>
        <Col xs={24}>
          <Form.Item name="selfPurchase" label={t('rules.selfPurchase')} valuePropName="checked" extra={t('rules.selfPurchaseHint')}>
            <Switch data-testid="rules-self-purchase" />
          </Form.Item>
        </Col>
      </Row>
      {levels > MAX_LEVELS_WITHOUT_OVERRIDE && (
        <Alert
          type="error"
          showIcon
          style={{ marginBottom: 16 }}
          data-testid="rules-compliance-warning"
          title={t('rules.complianceTitle')}
          description={
            <>
              <p style={{ margin: '4px 0 12px' }}>{t('rules.complianceBody')}</p>
              <Form.Item
                name="overrideReason"
                label={t('rules.overrideReason')}
                rules={[{ required: true, whitespace: true, message: t('rules.overrideReasonRequired') }, { min: 10, max: 500, message: t('rules.overrideReasonLength') }]}
                style={{ marginBottom: 0 }}
              >
                <Input.TextArea rows={2} maxLength={500} showCount data-testid="rules-override-reason" />
              </Form.Item>
            </>
          }
        />
      )}
      <Typography.Title level={5}>{t('rules.tierRates')}</Typography.Title>
      <Typography.Paragraph type="secondary">{t('rules.tierRatesHint')}</Typography.Paragraph>
      <Table<Tier>
        size="small"
        rowKey="id"
        pagination={false}
        dataSource={tierList}
        scroll={{ x: 200 + levelIdx.length * 130 }}
        style={{ marginBottom: 24 }}
        data-testid="rules-tier-rates"
        columns={[
          { title: t('member.tier'), dataIndex: 'name', width: 160, render: (n: string, r) => `${n} (#${r.id})` },
          ...levelIdx.map((i) => ({
            title: <span>{t('rules.levelN', { n: i + 1 })}{i >= MAX_LEVELS_WITHOUT_OVERRIDE && <Tag color="red" style={{ marginInlineStart: 4 }}>!</Tag>}</span>,
            key: `l${i}`,
            width: 130,
            render: (_v: unknown, r: Tier) => (
              <Form.Item name={['tierRates', String(r.id), i]} rules={[percentRule(t, false)]} style={{ margin: 0 }}>
                <PercentInput placeholder="0" data-testid={`rules-rate-${r.id}-${i + 1}`} />
              </Form.Item>
            ),
          })),
        ]}
      />
      <Typography.Title level={5}>{t('rules.overrides')}</Typography.Title>
      <Typography.Paragraph type="secondary">{t('rules.overridesHint')}</Typography.Paragraph>
      <Form.List name="overrides">
        {(fields, { add, remove }) => (
          <>
            {fields.map((f) => (
              <Card key={f.key} size="small" style={{ marginBottom: 8 }}>
                <Space wrap align="start">
                  <Form.Item name={[f.name, 'scope']} style={{ margin: 0 }} rules={[{ required: true }]}>
                    <Select style={{ width: 100 }} options={[{ value: 'product', label: t('rules.scopeProduct') }, { value: 'sku', label: t('rules.scopeSku') }]} />
                  </Form.Item>
                  <Form.Item noStyle shouldUpdate>
                    {() => {
                      const scope = form.getFieldValue(['overrides', f.name, 'scope']);
                      return (
                        <Form.Item name={[f.name, 'id']} style={{ margin: 0 }} rules={[{ required: true, message: t('rules.pickTarget') }]}>
                          <Select showSearch={{ optionFilterProp: 'label' }} style={{ width: mobile ? 220 : 280 }} placeholder={t('rules.pickTarget')} options={scope === 'sku' ? skuOptions : productOptions} />
                        </Form.Item>
                      );
                    }}
                  </Form.Item>
                  <Form.Item name={[f.name, 'mode']} style={{ margin: 0 }} rules={[{ required: true }]}>
                    <Select style={{ width: 130 }} options={[{ value: 'rate', label: t('rules.modeRate') }, { value: 'fixed', label: t('rules.modeFixed') }]} />
                  </Form.Item>
                  <Form.Item noStyle shouldUpdate>
                    {() => {
                      const mode = form.getFieldValue(['overrides', f.name, 'mode']);
                      return levelIdx.map((i) => (
                        <Form.Item key={i} name={[f.name, 'values', i]} style={{ margin: 0 }} rules={[mode === 'fixed' ? moneyRule(t, false) : percentRule(t, false)]}>
                          {mode === 'fixed' ? (
                            <Input prefix="¥" placeholder={t('rules.levelN', { n: i + 1 })} style={{ width: 120 }} />
                          ) : (
                            <Input suffix="%" placeholder={t('rules.levelN', { n: i + 1 })} style={{ width: 110 }} />
                          )}
                        </Form.Item>
                      ));
                    }}
                  </Form.Item>
                  <Button type="text" danger icon={<MinusCircleOutlined />} onClick={() => remove(f.name)} aria-label={t('common.remove')} />
                </Space>
              </Card>
            ))}
            <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ scope: 'product', mode: 'rate', values: [] })} data-testid="rules-add-override">
              {t('rules.addOverride')}
            </Button>
          </>
        )}
      </Form.List>
    </>
  );

  const bindingTab = (
    <Row gutter={24}>
      <Col xs={24} md={12}>
        <Form.Item name={['binding', 'trigger']} label={t('rules.trigger')} extra={t('rules.triggerHint')}>
          <Select options={(['first_visit', 'registration', 'first_order'] as const).map((v) => ({ value: v, label: t(`rules.trigger.${v}`) }))} data-testid="rules-binding-trigger" />
        </Form.Item>
      </Col>
      <Col xs={24} md={12}>
        <Form.Item name={['binding', 'protectionDays']} label={t('rules.protectionDays')} extra={t('rules.protectionDaysHint')}>
          <InputNumber min={0} max={3650} precision={0} style={{ width: 140 }} suffix={t('common.days')} disabled={trigger !== 'first_visit'} />
        </Form.Item>
      </Col>
      <Col xs={24} md={12}>
        <Form.Item name={['binding', 'permanence']} label={t('rules.permanence')}>
          <Select options={(['permanent', 'days', 'last_touch'] as const).map((v) => ({ value: v, label: t(`rules.permanence.${v}`) }))} data-testid="rules-binding-permanence" />
        </Form.Item>
      </Col>
      <Col xs={24} md={12}>
        <Form.Item name={['binding', 'validDays']} label={t('rules.validDays')}>
          <InputNumber min={1} max={3650} precision={0} style={{ width: 140 }} suffix={t('common.days')} disabled={permanence !== 'days'} />
        </Form.Item>
      </Col>
      <Col xs={24}>
        <Form.Item name={['binding', 'newUsersOnly']} label={t('rules.newUsersOnly')} valuePropName="checked" extra={t('rules.newUsersOnlyHint')}>
          <Switch />
        </Form.Item>
      </Col>
    </Row>
  );

  const distributorTab = (
    <Row gutter={24}>
      <Col xs={24} md={12}>
        <Form.Item name="distributorMode" label={t('rules.distributorMode')}>
          <Select options={(['automatic', 'first_purchase', 'spend_threshold', 'application'] as const).map((v) => ({ value: v, label: t(`rules.distributorMode.${v}`) }))} data-testid="rules-distributor-mode" />
        </Form.Item>
      </Col>
      <Col xs={24} md={12}>
        <Form.Item name="spendThresholdYuan" label={t('rules.spendThreshold')} rules={[moneyRule(t, distributorMode === 'spend_threshold')]}>
          <YuanInput disabled={distributorMode !== 'spend_threshold'} />
        </Form.Item>
      </Col>
    </Row>
  );

  const payoutTab = (
    <Row gutter={24}>
      <Col xs={24} md={12}>
        <Form.Item name={['payout', 'minAmountYuan']} label={t('rules.payoutMin')} rules={[moneyRule(t)]}>
          <YuanInput />
        </Form.Item>
      </Col>
      <Col xs={24} md={12}>
        <Form.Item name={['payout', 'feePct']} label={t('rules.payoutFee')} rules={[percentRule(t)]}>
          <PercentInput />
        </Form.Item>
      </Col>
      <Col xs={24} md={12}>
        <Form.Item name={['payout', 'dailyCountLimit']} label={t('rules.payoutDailyLimit')} rules={[{ required: true }]}>
          <InputNumber min={1} max={100} precision={0} style={{ width: 140 }} />
        </Form.Item>
      </Col>
      <Col xs={24} md={12}>
        <Form.Item name={['payout', 'autoApproveMaxYuan']} label={t('rules.payoutAutoApprove')} rules={[moneyRule(t)]} extra={t('rules.payoutAutoApproveHint')}>
          <YuanInput />
        </Form.Item>
      </Col>
      <Col xs={24}>
        <Form.Item name={['payout', 'channels']} label={t('rules.payoutChannels')} rules={[{ required: true, type: 'array', min: 1, message: t('rules.channelsRequired') }]}>
          <Checkbox.Group options={(['wechat', 'alipay', 'bank'] as const).map((c) => ({ value: c, label: t(`enum.channel.${c}`) }))} />
        </Form.Item>
      </Col>
    </Row>
  );

  const orderTab = (
    <>
      <Row gutter={24}>
        <Col xs={24} md={12}>
          <Form.Item name={['order', 'shippingYuan']} label={t('rules.shipping')} rules={[moneyRule(t)]}>
            <YuanInput />
          </Form.Item>
        </Col>
        <Col xs={24} md={12}>
          <Form.Item name={['order', 'freeShippingMinYuan']} label={t('rules.freeShippingMin')} rules={[moneyRule(t)]} extra={t('rules.freeShippingMinHint')}>
            <YuanInput />
          </Form.Item>
        </Col>
        <Col xs={24} md={12}>
          <Form.Item name={['order', 'unpaidCloseMinutes']} label={t('rules.unpaidClose')} rules={[{ required: true }]} extra={t('rules.unpaidCloseHint')}>
            <InputNumber min={0} max={10080} precision={0} addonAfter={t('rules.minutes')} style={{ width: '100%' }} />
          </Form.Item>
        </Col>
        <Col xs={24} md={12}>
          <Form.Item name={['order', 'autoReceiveDays']} label={t('rules.autoReceive')} rules={[{ required: true }]} extra={t('rules.autoReceiveHint')}>
            <InputNumber min={0} max={60} precision={0} addonAfter={t('common.days')} style={{ width: '100%' }} data-testid="rules-auto-receive-days" />
          </Form.Item>
        </Col>
        <Col xs={24} md={12}>
          <Form.Item name={['order', 'receiveExtensionDays']} label={t('rules.receiveExtension')} rules={[{ required: true }]} extra={t('rules.receiveExtensionHint')}>
            <InputNumber min={0} max={30} precision={0} addonAfter={t('common.days')} style={{ width: '100%' }} />
          </Form.Item>
        </Col>
        <Col xs={24} md={12}>
          <Form.Item name={['order', 'returnShipDays']} label={t('rules.returnShipDays')} rules={[{ required: true }]} extra={t('rules.returnShipDaysHint')}>
            <InputNumber min={1} max={30} precision={0} addonAfter={t('common.days')} style={{ width: '100%' }} />
          </Form.Item>
        </Col>
        <Col xs={24} md={12}>
          <Form.Item name={['order', 'afterSalesReviewDays']} label={t('rules.afterSalesReviewDays')} rules={[{ required: true }]} extra={t('rules.afterSalesReviewDaysHint')}>
            <InputNumber min={1} max={15} precision={0} addonAfter={t('common.days')} style={{ width: '100%' }} data-testid="rules-after-sales-review-days" />
          </Form.Item>
        </Col>
        <Col xs={24} md={12}>
          <Form.Item name={['order', 'returnReceiveDays']} label={t('rules.returnReceiveDays')} rules={[{ required: true }]} extra={t('rules.returnReceiveDaysHint')}>
            <InputNumber min={1} max={30} precision={0} addonAfter={t('common.days')} style={{ width: '100%' }} />
          </Form.Item>
        </Col>
        <Col xs={24} md={12}>
          <Form.Item label={t('rules.returnAddress')} extra={t('rules.returnAddressHint')}>
            <Space.Compact style={{ width: '100%' }}>
              <Form.Item name={['order', 'returnAddress', 'name']} noStyle rules={[{ max: 50 }]}>
                <Input placeholder={t('afterSales.returnName')} style={{ width: '30%' }} />
              </Form.Item>
              <Form.Item name={['order', 'returnAddress', 'phone']} noStyle rules={[{ max: 30 }]}>
                <Input placeholder={t('afterSales.returnPhone')} style={{ width: '30%' }} />
              </Form.Item>
            </Space.Compact>
            <Form.Item name={['order', 'returnAddress', 'address']} noStyle rules={[{ max: 200 }]}>
              <Input placeholder={t('afterSales.returnAddress')} style={{ marginTop: 8 }} />
            </Form.Item>
          </Form.Item>
        </Col>
      </Row>
      <Typography.Title level={5}>{t('rules.fullReduction')}</Typography.Title>
      <Form.List name={['order', 'fullReduction']}>
        {(fields, { add, remove }) => (
          <>
            {fields.map((f) => (
              <Space key={f.key} wrap align="start" style={{ marginBottom: 8 }}>
                <span style={{ lineHeight: '32px' }}>{t('rules.reachPrefix')}</span>
                <Form.Item name={[f.name, 'thresholdYuan']} rules={[moneyRule(t)]} style={{ margin: 0 }}>
                  <YuanInput style={{ width: 130 }} />
                </Form.Item>
                <span style={{ lineHeight: '32px' }}>{t('rules.offPrefix')}</span>
                <Form.Item name={[f.name, 'offYuan']} rules={[moneyRule(t)]} style={{ margin: 0 }}>
                  <YuanInput style={{ width: 130 }} />
                </Form.Item>
                <Button type="text" danger icon={<MinusCircleOutlined />} onClick={() => remove(f.name)} aria-label={t('common.remove')} />
              </Space>
            ))}
            <div>
              <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ thresholdYuan: '', offYuan: '' })} disabled={fields.length >= 10}>
                {t('rules.addFullReduction')}
              </Button>
            </div>
          </>
        )}
      </Form.List>
    </>
  );

  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} xl={17}>
        <Card
          title={
            <Space wrap>
              {t('rules.title')}
              {current && <Tag color="green" data-testid="rules-current-version">{t('rules.currentVersion', { id: current.id })}</Tag>}
            </Space>
          }
        >
          {rules.error && <Alert type="error" showIcon title={describeError(rules.error, t)} style={{ marginBottom: 16 }} />}
          {!writable && <Alert type="info" showIcon title={t('common.readOnly')} style={{ marginBottom: 16 }} />}
          {writable && me?.hqRole !== 'owner' && (
            <Alert type="info" showIcon title={t(me?.hqRole === 'finance' ? 'ruleChanges.financeHint' : 'ruleChanges.operatorHint')} style={{ marginBottom: 16 }} data-testid="rules-role-hint" />
          )}
          <Form<RulesForm> form={form} layout="vertical" disabled={!writable || !current} data-testid="rules-form">
            <Tabs
              items={[
                { key: 'commission', label: t('rules.tabCommission'), children: commissionTab, forceRender: true },
                { key: 'binding', label: t('rules.tabBinding'), children: bindingTab, forceRender: true },
                { key: 'distributor', label: t('rules.tabDistributor'), children: distributorTab, forceRender: true },
                { key: 'payout', label: t('rules.tabPayout'), children: payoutTab, forceRender: true },
                { key: 'order', label: t('rules.tabOrder'), children: orderTab, forceRender: true },
              ]}
            />
            {writable && (
              <div style={{ position: 'sticky', bottom: 0, background: '#fff', padding: '12px 0', borderTop: '1px solid #f0f0f0', display: 'flex', gap: 8, flexWrap: 'wrap' }}>
                <Form.Item name="note" style={{ margin: 0, flex: 1, minWidth: 200 }} rules={[{ max: 200 }]}>
                  <Input placeholder={t('rules.notePlaceholder')} maxLength={200} data-testid="rules-note" />
                </Form.Item>
                <Button onClick={() => current && form.setFieldsValue(configToForm(current.config, tierList.map((x) => x.id)))}>{t('common.reset')}</Button>
                <Button type="primary" icon={<SaveOutlined />} loading={running} onClick={save} data-testid="rules-save">
                  {t('rules.save')}
                </Button>
              </div>
            )}
          </Form>
        </Card>
      </Col>
      <Col xs={24} xl={7}>
        <RulesSidebar
          rules={rules.data}
          changesKey={changesKey}
          onApplied={() => {
            setLoadedVersion(null);
            rules.reload();
          }}
        />
      </Col>
    </Row>
  );
}
