import { ConfigProvider, NoticeBar } from 'antd-mobile';
import enUS from 'antd-mobile/es/locales/en-US';
import zhCN from 'antd-mobile/es/locales/zh-CN';
import { useEffect, type ReactNode } from 'react';
import { BrowserRouter, NavLink, Navigate, Route, Routes, useLocation, useNavigate } from 'react-router-dom';
import { onSecurityBlock, onUnauthorized } from './api';
import { AuthProvider, RequireAuth, loginPath, passwordPath, useAuth } from './auth';
import { cartCount, useCart } from './cart';
import { I18nProvider, useI18n } from './i18n';
import { CartIcon, CategoryIcon, HomeIcon, UserIcon } from './icons';
import { NotificationsProvider, notificationTitle, useNotifications } from './notifications';
import { CartPage } from './pages/Cart';
import { CategoryPage } from './pages/Category';
import { CentrePage } from './pages/Centre';
import { CheckoutPage } from './pages/Checkout';
import { HomePage } from './pages/Home';
import { InboxPage } from './pages/Inbox';
import { InvitePage } from './pages/Invite';
import { ShowcasePage } from './pages/Showcase';
import { LoginPage, RegisterPage } from './pages/Login';
import { PasswordPage } from './pages/Password';
import { MePage } from './pages/Me';
import { OrderDetailPage } from './pages/OrderDetail';
import { OrdersPage } from './pages/Orders';
import { PayResultPage } from './pay/ResultPage';
import { ProductPage } from './pages/Product';
import { PromotionOrdersPage } from './pages/PromotionOrders';
import { SharePage } from './pages/Share';
import { TeamPage } from './pages/Team';
import { WithdrawPage } from './pages/Withdraw';
import { FEATURE_ROUTES } from './features';

function TabBarNav() {
  const { t } = useI18n();
  const items = useCart();
  const { unread } = useNotifications();
  const count = cartCount(items);
  const tabs: Array<{ to: string; label: string; icon: ReactNode; testId: string; badge?: number }> = [
    { to: '/', label: t('tab.home'), icon: <HomeIcon />, testId: 'tab-home' },
    { to: '/category', label: t('tab.category'), icon: <CategoryIcon />, testId: 'tab-category' },
    { to: '/cart', label: t('tab.cart'), icon: <CartIcon />, testId: 'tab-cart', badge: count },
    { to: '/me', label: t('tab.me'), icon: <UserIcon />, testId: 'tab-me', badge: unread },
  ];
  return (
    <nav className="tab-bar" data-testid="tab-bar">
      {tabs.map((tab) => (
        <NavLink key={tab.to} to={tab.to} end className={({ isActive }) => `tab-item ${isActive ? 'active' : ''}`} data-testid={tab.testId}>
          <span className="tab-icon">
            {tab.icon}
            {tab.badge ? (
              <span className="tab-badge" data-testid={`${tab.testId}-badge`}>
                {tab.badge > 99 ? '99+' : tab.badge}
              </span>
            ) : null}
          </span>
          <span className="tab-label">{tab.label}</span>
        </NavLink>
      ))}
    </nav>
  );
}

/** Pages with the bottom tab bar. */
function TabLayout({ children }: { children: ReactNode }) {
  return (
    <div className="with-tabbar">
      {children}
      <TabBarNav />
    </div>
  );
}

/** The latest income alert, kept on screen until closed (the toast fades after 3 s). */
function LiveNotice() {
  const { latest, dismissLatest } = useNotifications();
  const { t } = useI18n();
  const navigate = useNavigate();
  if (!latest) return null;
  return (
    <div className="live-notice" data-testid="notification-toast" data-kind={latest.kind} data-amount-fen={latest.amountFen ?? ''}>
      <NoticeBar
        color={latest.kind === 'commission.reversed' ? 'alert' : 'info'}
        closeable
        onClose={dismissLatest}
        content={
          <span
            className="live-notice-text"
            onClick={() => {
              dismissLatest();
              navigate(latest.kind.startsWith('commission.') ? '/centre' : '/inbox');
            }}
          >
            {notificationTitle(latest, t)}
            {latest.body ? <span className="live-notice-body"> · {latest.body}</span> : null}
          </span>
        }
      />
    </div>
  );
}

/** A 401 from the API: sign out and go to the login page, coming back here afterwards; a 403
 * PASSWORD_CHANGE_REQUIRED: to the password page first. */
function UnauthorizedBridge() {
  const navigate = useNavigate();
  const { signOut, refresh } = useAuth();
  useEffect(() => {
    const offUnauthorized = onUnauthorized(() => {
      signOut();
      const here = window.location.pathname + window.location.search;
      if (!here.startsWith('/login') && !here.startsWith('/register')) navigate(loginPath(here), { replace: true });
    });
    const offBlock = onSecurityBlock((code) => {
      if (code !== 'PASSWORD_CHANGE_REQUIRED') return;
      const here = window.location.pathname + window.location.search;
      void refresh();
      if (!here.startsWith('/password')) navigate(passwordPath(here), { replace: true });
    });
    return () => {
      offUnauthorized();
      offBlock();
    };
  }, [navigate, signOut, refresh]);
  return null;
}

function ScrollToTop() {
  const { pathname } = useLocation();
  useEffect(() => {
    window.scrollTo(0, 0);
  }, [pathname]);
  return null;
}

function Authed({ children }: { children: ReactNode }) {
  return <RequireAuth>{children}</RequireAuth>;
}

function AppRoutes() {
  return (
    <Routes>
      <Route path="/" element={<TabLayout><HomePage /></TabLayout>} />
      <Route path="/category" element={<TabLayout><CategoryPage /></TabLayout>} />
      <Route path="/cart" element={<TabLayout><CartPage /></TabLayout>} />
      <Route path="/me" element={<TabLayout><MePage /></TabLayout>} />
      <Route path="/product/:id" element={<ProductPage />} />
      <Route path="/s/:inviteCode" element={<SharePage />} />
      <Route path="/login" element={<LoginPage />} />
      <Route path="/register" element={<RegisterPage />} />
      <Route path="/password" element={<Authed><PasswordPage /></Authed>} />
      <Route path="/checkout" element={<Authed><CheckoutPage /></Authed>} />
      <Route path="/pay/result" element={<Authed><PayResultPage /></Authed>} />
      <Route path="/pay/result/:id" element={<Authed><PayResultPage /></Authed>} />
      <Route path="/orders" element={<Authed><OrdersPage /></Authed>} />
      <Route path="/orders/:id" element={<Authed><OrderDetailPage /></Authed>} />
      <Route path="/centre" element={<Authed><CentrePage /></Authed>} />
      <Route path="/centre/team" element={<Authed><TeamPage /></Authed>} />
      <Route path="/centre/orders" element={<Authed><PromotionOrdersPage /></Authed>} />
      <Route path="/centre/withdraw" element={<Authed><WithdrawPage /></Authed>} />
      <Route path="/centre/payouts" element={<Navigate to="/centre/withdraw#history" replace />} />
      <Route path="/centre/invite" element={<Authed><InvitePage /></Authed>} />
      <Route path="/centre/showcase" element={<Authed><ShowcasePage /></Authed>} />
      <Route path="/inbox" element={<Authed><InboxPage /></Authed>} />
      {FEATURE_ROUTES.map((route) => {
        const page = route.auth ? <Authed>{route.element}</Authed> : route.element;
        return <Route key={route.path} path={route.path} element={route.tabBar ? <TabLayout>{page}</TabLayout> : page} />;
      })}
      <Route path="*" element={<Navigate to="/" replace />} />
    </Routes>
  );
}

function Localized({ children }: { children: ReactNode }) {
  const { locale, t } = useI18n();
  useEffect(() => {
    document.documentElement.lang = locale === 'zh' ? 'zh-CN' : 'en';
    document.title = t('app.name');
  }, [locale, t]);
  return <ConfigProvider locale={locale === 'zh' ? zhCN : enUS}>{children}</ConfigProvider>;
}

export function App() {
  return (
    <I18nProvider>
      <Localized>
        <BrowserRouter>
          <AuthProvider>
            <NotificationsProvider>
              <UnauthorizedBridge />
              <ScrollToTop />
              <div className="app-shell">
                <LiveNotice />
                <AppRoutes />
              </div>
            </NotificationsProvider>
          </AuthProvider>
        </BrowserRouter>
      </Localized>
    </I18nProvider>
  );
}
