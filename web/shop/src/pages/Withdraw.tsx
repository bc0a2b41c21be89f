import { Button, Toast } from 'antd-mobile';
import { useEffect, useRef, useState } from 'react';
import { useLocation } from 'react-router-dom';
import { api, errorMessage, randomKey } from '../api';
import { useAuth } from '../auth';
import { Empty, ErrorView, LoadMore, Loading, SubPage, TextField, formatDateTime, useLoad, usePaged } from '../components';
import { useI18n, type MessageKey } from '../i18n';
import { formatFen, parseYuanToFen, fenToYuanText } from '../../../shared/money';
import { useNotificationListener } from '../notifications';
import { confirmInWechat, failureCode, refreshPayout, type ChannelPayout } from '../payout-confirm';
import type { PayoutChannel } from '../../../shared/types';

const CHANNELS: PayoutChannel[] = ['wechat', 'alipay', 'bank'];

export function WithdrawPage() {
  const { t } = useI18n();
  const { me } = useAuth();
  const summary = useLoad(() => api.summary(), []);
  const history = usePaged<ChannelPayout>((limit, offset) => api.payouts({ limit, offset }).then((r) => r.items as ChannelPayout[]), []);
  const [confirming, setConfirming] = useState<number | null>(null);
  const [amount, setAmount] = useState('');
  const [channel, setChannel] = useState<PayoutChannel>('wechat');
  const [realName, setRealName] = useState('');
  const [account, setAccount] = useState('');
  const [bankName, setBankName] = useState('');
  const [accountNo, setAccountNo] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);
  // shown inline, not as a toast: a live alert for the same payout (paid at once) would replace a toast
  const [submitted, setSubmitted] = useState(false);
  // one key per distinct request: a double tap sends the same key, any change makes a new one
  const key = useRef(randomKey('po'));
  const changed = <T,>(set: (v: T) => void) => (v: T) => {
    key.current = randomKey('po');
    setSubmitted(false);
    set(v);
  };

  useNotificationListener((n) => {
    if (n.kind.startsWith('payout.') || n.kind.startsWith('commission.')) {
      summary.reload();
      history.reload();
    }
  });

  const location = useLocation();
  useEffect(() => {
    if (location.hash === '#history') document.getElementById('history')?.scrollIntoView({ block: 'start' });
  }, [location.hash, history.items.length]);

  const available = summary.data?.availableFen ?? 0;

  // 确认收款: WeChat's confirmation page, then the server asks WeChat (the bridge's "ok" moves no money)
  const confirmReceipt = async (payoutId: number) => {
    setConfirming(payoutId);
    try {
      const outcome = await confirmInWechat(payoutId);
      if (outcome === 'outside') {
        Toast.show({ content: <span data-testid="withdraw-open-in-wechat">{t('withdraw.openInWechat')}</span> });
        return;
      }
      if (outcome === 'ok') await refreshPayout(payoutId);
      const message = outcome === 'ok' ? 'withdraw.confirmDone' : outcome === 'cancel' ? 'withdraw.confirmCancelled' : 'withdraw.confirmFailed';
      Toast.show({ content: <span data-testid={`withdraw-confirm-${outcome}`}>{t(message)}</span> });
      summary.reload();
      history.reload();
    } catch (e) {
      Toast.show({ icon: 'fail', content: errorMessage(e) });
    } finally {
      setConfirming(null);
    }
  };
  /** A failure reason's code ('WECHAT_NOT_LINKED: …') reads in the shop's language when it has a text. */
  const reasonText = (reason: string) => {
    const code = failureCode(reason);
    const key = `withdraw.failure.${code}` as MessageKey;
    const text = code ? t(key) : key;
    return text === key ? reason : text;
  };

  const submit = async () => {
    setError(null);
    setSubmitted(false);
    const amountFen = parseYuanToFen(amount);
    if (amountFen === null || amountFen <= 0) return setError(t('withdraw.badAmount'));
    if (summary.data && amountFen > available) return setError(t('withdraw.tooMuch'));
    const destination: Record<string, string> = { realName: realName.trim() };
    const required: Array<[string, string, MessageKey]> = [['realName', realName, 'withdraw.realName']];
    if (channel === 'alipay') {
      destination.account = account.trim();
      required.push(['account', account, 'withdraw.account']);
    }
    if (channel === 'bank') {
      destination.bankName = bankName.trim();
      destination.accountNo = accountNo.replace(/\s+/g, '');
      required.push(['bankName', bankName, 'withdraw.bankName'], ['accountNo', accountNo, 'withdraw.accountNo']);
    }
    const missing = required.find(([, v]) => !v.trim());
    if (missing) return setError(t('withdraw.fill', { field: t(missing[2]) }));
    setSubmitting(true);
    try {
      await api.requestPayout({ amountFen, channel, destination, idempotencyKey: key.current });
      key.current = randomKey('po');
      setAmount('');
      setSubmitted(true);
      summary.reload();
      history.reload();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <SubPage title={t('withdraw.title')} back="/centre" testId="withdraw-page">
      <div className="withdraw-hero">
        <div className="centre-hero-label">{t('withdraw.available')}</div>
        {summary.error ? (
          <ErrorView error={summary.error} onRetry={summary.reload} />
        ) : (
          <div className="centre-hero-amount" data-testid="withdraw-available" data-fen={available}>
            {summary.data ? formatFen(available) : '…'}
          </div>
        )}
      </div>

      {me && me.distributorStatus !== 'active' && <div className="form-error">{t('withdraw.notDistributor')}</div>}

      <div className="card withdraw-form">
        <div className="card-title">{t('withdraw.amount')}</div>
        <div className="amount-input-row">
          <span className="amount-yen">¥</span>
          <TextField value={amount} onChange={changed(setAmount)} placeholder={t('withdraw.amountPlaceholder')} inputMode="decimal" testId="withdraw-amount" className="amount-input" />
          <button type="button" className="link-button" data-testid="withdraw-all" onClick={() => changed(setAmount)(fenToYuanText(available))}>
            {t('withdraw.all')}
          </button>
        </div>

        <div className="card-title">{t('withdraw.channel')}</div>
        <div className="channel-options">
          {CHANNELS.map((c) => (
            <button type="button" key={c} className={`channel-option channel-${c} ${channel === c ? 'active' : ''}`} data-testid={`withdraw-channel-${c}`} data-selected={channel === c ? 'true' : 'false'} onClick={() => changed(setChannel)(c)}>
              <span className="channel-dot" />
              {t(`withdraw.${c}` as MessageKey)}
            </button>
          ))}
        </div>

        <label className="form-row">
          <span>{t('withdraw.realName')}</span>
          <TextField value={realName} onChange={changed(setRealName)} placeholder={t('withdraw.realNamePlaceholder')} maxLength={64} testId="withdraw-realname" />
        </label>
        {channel === 'alipay' && (
          <label className="form-row">
            <span>{t('withdraw.account')}</span>
            <TextField value={account} onChange={changed(setAccount)} placeholder={t('withdraw.accountPlaceholder')} maxLength={64} testId="withdraw-account" />
          </label>
        )}
        {channel === 'bank' && (
          <>
            <label className="form-row">
              <span>{t('withdraw.bankName')}</span>
              <TextField value={bankName} onChange={changed(setBankName)} placeholder={t('withdraw.bankNamePlaceholder')} maxLength={64} testId="withdraw-bankname" />
            </label>
            <label className="form-row">
              <span>{t('withdraw.accountNo')}</span>
              <TextField value={accountNo} onChange={changed(setAccountNo)} placeholder={t('withdraw.accountNoPlaceholder')} inputMode="numeric" maxLength={64} testId="withdraw-accountno" />
            </label>
          </>
        )}
        {submitted && !error && (
          <div className="form-success" data-testid="withdraw-success">
            {t('withdraw.submitted')}
          </div>
        )}
        {error && (
          <div className="form-error" data-testid="withdraw-error">
            {error}
          </div>
        )}
        <Button block color="primary" shape="rounded" size="large" loading={submitting} onClick={() => void submit()} data-testid="withdraw-submit">
          {t('withdraw.submit')}
        </Button>
      </div>

      <div className="section-title" id="history">
        <span className="section-bar" />
        {t('withdraw.history')}
      </div>
      <div className="payout-list" data-testid="payout-list">
        {history.loading && !history.items.length ? (
          <Loading />
        ) : history.error && !history.items.length ? (
          <ErrorView error={history.error} onRetry={history.reload} />
        ) : history.items.length === 0 ? (
          <Empty text={t('withdraw.empty')} />
        ) : (
          history.items.map((p) => (
            <div className="card payout-item" key={p.id} data-testid="payout-item" data-payout-no={p.payoutNo} data-status={p.status}>
              <div className="payout-main">
                <div>
                  <div>
                    {t(`withdraw.${p.channel}` as MessageKey)}
                    <span className="muted small"> {Object.values(p.destination ?? {}).filter(Boolean).join(' ')}</span>
                  </div>
                  <div className="muted tiny">
                    {p.payoutNo} · {formatDateTime(p.createdAt)}
                  </div>
                  {p.feeFen > 0 && (
                    <div className="muted tiny">
                      {t('withdraw.fee', { amount: formatFen(p.feeFen) })} · {t('withdraw.net', { amount: formatFen(p.netFen) })}
                    </div>
                  )}
                  {(p.rejectReason || p.failureReason) && <div className="accent tiny" data-testid="payout-reason">{p.rejectReason ?? reasonText(p.failureReason!)}</div>}
                  {p.awaitingConfirmation && <div className="muted tiny">{t('withdraw.confirmHint')}</div>}
                </div>
                <div className="payout-right">
                  <div className="payout-amount" data-testid="payout-amount" data-fen={p.amountFen}>
                    {formatFen(p.amountFen)}
                  </div>
                  <span className={`tag payout-${p.status}`} data-testid="payout-status" data-status={p.status}>
                    {p.awaitingConfirmation ? t('payout.awaitingConfirm') : t(`payout.${p.status}` as MessageKey)}
                  </span>
                  {p.awaitingConfirmation && (
                    <Button size="mini" color="primary" shape="rounded" loading={confirming === p.id} onClick={() => void confirmReceipt(p.id)} data-testid="payout-confirm">
                      {t('withdraw.confirmReceipt')}
                    </Button>
                  )}
                </div>
              </div>
            </div>
          ))
        )}
        <LoadMore paged={history} />
      </div>
    </SubPage>
  );
}
