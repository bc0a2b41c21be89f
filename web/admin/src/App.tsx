// Providers (antd locale + theme, i18n, auth) and the routes under /admin/.
import { App as AntApp, ConfigProvider, Result, Spin } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import { lazy, Suspense, type ReactNode } from 'react';
import { createBrowserRouter, Navigate, RouterProvider, useLocation } from 'react-router-dom';
import type { Screen } from './access';
import { AuthProvider, SecurityGate, useAuth } from './auth';
import { AppLayout } from './components/AppLayout';
import { I18nProvider, useLocale, useT } from './i18n';
import { LoginPage } from './pages/Login';
import { FEATURE_SCREENS } from './features';
import { canSeeScreen, type FeatureScreen } from './features/types';

const DashboardPage = lazy(() => import('./pages/Dashboard'));
const MembersPage = lazy(() => import('./pages/Members'));
const ApplicationsPage = lazy(() => import('./pages/Applications'));
const TiersPage = lazy(() => import('./pages/TiersGroups'));
const RulesPage = lazy(() => import('./pages/Rules'));
const DryRunPage = lazy(() => import('./pages/DryRun'));
const ProductsPage = lazy(() => import('./pages/Products'));
const OrdersPage = lazy(() => import('./pages/Orders'));
const RefundsPage = lazy(() => import('./pages/Refunds'));
const RefundRequestsPage = lazy(() => import('./pages/RefundRequests'));
const PayoutsPage = lazy(() => import('./pages/Payouts'));
const AdjustmentsPage = lazy(() => import('./pages/Adjustments'));
const ReconciliationPage = lazy(() => import('./pages/Reconciliation'));
const AuditPage = lazy(() => import('./pages/AuditLog'));
const SecurityPage = lazy(() => import('./pages/Security'));
const ChangePasswordPage = lazy(() => import('./pages/ChangePassword'));

const Loading = () => (
  <div style={{ padding: 80, textAlign: 'center' }}>
    <Spin size="large" />
  </div>
);

function RequireAuth({ children }: { children: ReactNode }) {
  const { me, loading } = useAuth();
  const location = useLocation();
  if (loading) return <Loading />;
  if (!me) return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />;
  return <>{children}</>;
}

/** A screen the signed-in role may not open says so instead of failing request by request. */
function Guard({ screen, children }: { screen: Screen; children: ReactNode }) {
  const { canSee } = useAuth();
  const t = useT();
  if (!canSee(screen)) return <Result status="403" title="403" subTitle={t('error.screenForbidden')} data-testid="screen-forbidden" />;
  return <Suspense fallback={<Loading />}>{children}</Suspense>;
}

/** A feature screen: HQ roles or parties it names. */
function FeatureGuard({ screen }: { screen: FeatureScreen }) {
  const { me } = useAuth();
  const t = useT();
  if (!canSeeScreen(me, screen)) return <Result status="403" title="403" subTitle={t('error.screenForbidden')} data-testid="screen-forbidden" />;
  const Element = screen.element;
  return <Suspense fallback={<Loading />}><Element /></Suspense>;
}

/** The dashboard for HQ; a party (supplier, dealer…) starts on its first own screen. */
function Home() {
  const { me } = useAuth();
  if (me && !me.hqRole) {
    const first = FEATURE_SCREENS.find((s) => canSeeScreen(me, s));
    if (first) return <Navigate to={first.path} replace />;
  }
  return <Guard screen="dashboard"><DashboardPage /></Guard>;
}

function NotFound() {
  const t = useT();
  return <Result status="404" title="404" subTitle={t('error.notFoundPage')} />;
}

const router = createBrowserRouter(
  [
    { path: '/login', element: <LoginPage /> },
    { path: '/change-password', element: <Suspense fallback={<Loading />}><ChangePasswordPage /></Suspense> },
    {
      path: '/',
      element: (
        <RequireAuth>
          <SecurityGate>
            <AppLayout />
          </SecurityGate>
        </RequireAuth>
      ),
      children: [
        { index: true, element: <Home /> },
        { path: 'members', element: <Guard screen="members"><MembersPage /></Guard> },
        { path: 'applications', element: <Guard screen="applications"><ApplicationsPage /></Guard> },
        { path: 'tiers', element: <Guard screen="tiers"><TiersPage /></Guard> },
        { path: 'rules', element: <Guard screen="rules"><RulesPage /></Guard> },
        { path: 'dry-run', element: <Guard screen="dryRun"><DryRunPage /></Guard> },
        { path: 'products', element: <Guard screen="products"><ProductsPage /></Guard> },
        { path: 'orders', element: <Guard screen="orders"><OrdersPage /></Guard> },
        { path: 'refunds', element: <Guard screen="refunds"><RefundsPage /></Guard> },
        { path: 'refund-requests', element: <Guard screen="refundRequests"><RefundRequestsPage /></Guard> },
        { path: 'payouts', element: <Guard screen="payouts"><PayoutsPage /></Guard> },
        { path: 'adjustments', element: <Guard screen="adjustments"><AdjustmentsPage /></Guard> },
        { path: 'reconciliation', element: <Guard screen="reconciliation"><ReconciliationPage /></Guard> },
        { path: 'audit', element: <Guard screen="audit"><AuditPage /></Guard> },
        // every signed-in member (HQ staff and parties alike) manages their own sign-in
        { path: 'security', element: <Suspense fallback={<Loading />}><SecurityPage /></Suspense> },
        ...FEATURE_SCREENS.map((screen) => ({ path: screen.path.replace(/^\//, ''), element: <FeatureGuard screen={screen} /> })),
        { path: '*', element: <NotFound /> },
      ],
    },
  ],
  { basename: '/admin' },
);

function Themed() {
  const { locale } = useLocale();
  return (
    <ConfigProvider
      locale={locale === 'zh' ? zhCN : enUS}
      theme={{ token: { colorPrimary: '#1677ff', borderRadius: 6 } }}
      // two-character labels stay "发货", not antd's letter-spaced "发 货"
      button={{ autoInsertSpace: false }}
    >
      <AntApp>
        <AuthProvider>
          <RouterProvider router={router} />
        </AuthProvider>
      </AntApp>
    </ConfigProvider>
  );
}

export function Root() {
  return (
    <I18nProvider>
      <Themed />
    </I18nProvider>
  );
}
