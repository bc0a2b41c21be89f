import { Badge, Dialog, List } from 'antd-mobile';
import { useEffect } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { useAuth } from '../auth';
import { Avatar } from '../components';
import { useI18n, type Locale } from '../i18n';
import { BellIcon, BoxIcon, CheckCircleIcon, CoinIcon, GlobeIcon, LogoutIcon, OrderIcon, RefundIcon, TruckIcon, WalletIcon } from '../icons';
import { useNotifications } from '../notifications';
import { FeatureEntries } from '../features/entries';
import { AccountItems } from './Password';

export function maskPhone(phone: string): string {
  return /^\d{11}$/.test(phone) ? `${phone.slice(0, 3)}****${phone.slice(7)}` : phone;
}

export function LanguageSwitch() {
  const { locale, setLocale } = useI18n();
  const options: Array<{ value: Locale; label: string }> = [
    { value: 'zh', label: '中文' },
    { value: 'en', label: 'English' },
  ];
  return (
    <span className="lang-switch" data-testid="lang-switch" onClick={(e) => e.stopPropagation()}>
      {options.map((o) => (
        <button key={o.value} type="button" className={locale === o.value ? 'active' : ''} data-testid={`lang-${o.value}`} onClick={() => setLocale(o.value)}>
          {o.label}
        </button>
      ))}
    </span>
  );
}

export function MePage() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const { me, token, signOut, refresh } = useAuth();
  const { unread, refreshUnread } = useNotifications();
  useEffect(() => {
    if (!token) return;
    void refresh();
    void refreshUnread();
  }, [token, refresh, refreshUnread]);

  const shortcuts = [
    { key: 'pending_payment', icon: <WalletIcon size={26} />, label: t('orders.tab.pending_payment') },
    { key: 'paid', icon: <BoxIcon size={26} />, label: t('orders.tab.paid') },
    { key: 'shipped', icon: <TruckIcon size={26} />, label: t('orders.tab.shipped') },
    { key: 'completed', icon: <CheckCircleIcon size={26} />, label: t('orders.tab.completed') },
    { key: 'refunded', icon: <RefundIcon size={26} />, label: t('orders.tab.refunded') },
  ];

  return (
    <div className="page me-page" data-testid="me-page">
      <div className="me-header">
        {token ? (
          <div className="me-profile" data-testid="me-profile">
            <Avatar src={me?.avatarUrl} name={me?.nickname ?? '…'} size={60} />
            <div className="me-profile-text">
              <div className="me-nickname" data-testid="me-nickname">
                {me?.nickname ?? '…'}
                {me && <span className="me-role">{me.distributorStatus === 'active' ? t('me.roleDistributor') : t('me.roleMember')}</span>}
              </div>
              {me && <div className="me-sub">{me.phone ? maskPhone(me.phone) : t('me.noPhone')}</div>}
              {me && (
                <div className="me-sub" data-testid="me-invite-code">
                  {t('me.inviteCode', { code: me.inviteCode })}
                </div>
              )}
              {me?.referrer && <div className="me-sub">{t('me.referrer', { name: me.referrer.nickname })}</div>}
            </div>
          </div>
        ) : (
          <Link to="/login?redirect=%2Fme" className="me-profile" data-testid="me-login">
            <Avatar name="客" size={60} />
            <div className="me-profile-text">
              <div className="me-nickname">{t('me.guest')}</div>
              <div className="me-sub">{t('me.guestSub')}</div>
            </div>
          </Link>
        )}
      </div>

      <div className="card me-orders">
        <Link to="/orders" className="card-title-row" data-testid="me-orders">
          <span className="card-title">{t('me.myOrders')}</span>
          <span className="muted small">{t('me.allOrders')} ›</span>
        </Link>
        <div className="shortcut-row">
          {shortcuts.map((s) => (
            <Link key={s.key} to={`/orders?status=${s.key}`} className="shortcut" data-testid={`me-orders-${s.key}`}>
              {s.icon}
              <span>{s.label}</span>
            </Link>
          ))}
        </div>
      </div>

      <Link to="/centre" className="card centre-entry" data-testid="me-centre">
        <CoinIcon size={30} />
        <div className="centre-entry-text">
          <div className="centre-entry-title">{t('me.centre')}</div>
          <div className="centre-entry-sub">{t('me.centreSub')}</div>
        </div>
        <span className="centre-entry-arrow">›</span>
      </Link>

      <FeatureEntries where="me" />

      <List className="card me-list" mode="card">
        <List.Item prefix={<OrderIcon />} onClick={() => navigate('/orders')} data-testid="me-orders-item">
          {t('me.myOrders')}
        </List.Item>
        <List.Item
          prefix={<BellIcon />}
          onClick={() => navigate('/inbox')}
          extra={unread > 0 ? <Badge content={unread > 99 ? '99+' : unread} data-testid="me-unread" /> : null}
          data-testid="me-inbox"
        >
          {t('me.inbox')}
        </List.Item>
        <AccountItems />
        <List.Item prefix={<GlobeIcon />} extra={<LanguageSwitch />} arrowIcon={false}>
          {t('me.language')}
        </List.Item>
        {token && (
          <List.Item
            prefix={<LogoutIcon />}
            data-testid="logout"
            onClick={async () => {
              if (await Dialog.confirm({ content: t('me.logoutConfirm') })) {
                signOut();
                navigate('/me');
              }
            }}
          >
            {t('me.logout')}
          </List.Item>
        )}
      </List>
    </div>
  );
}
