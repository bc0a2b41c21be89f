// The console frame: sider menu (role-aware), header with user, role and language.
import {
  AuditOutlined,
  DashboardOutlined,
  DollarOutlined,
  LogoutOutlined,
  SafetyOutlined,
  SettingOutlined,
  ShoppingOutlined,
  TeamOutlined,
  UserOutlined,
  FileTextOutlined,
  MenuOutlined,
} from '@ant-design/icons';
import { Avatar, Button, Drawer, Dropdown, Layout, Menu, Segmented, Space, Spin, Tag, Typography, theme, type MenuProps } from 'antd';
import { useCallback, useMemo, useState } from 'react';
import { Outlet, useLocation, useNavigate } from 'react-router-dom';
import type { Screen } from '../access';
import { useAuth } from '../auth';
import { useIsMobile } from '../hooks';
import { useFeatureStrings, useLocale, useT, type Key } from '../i18n';
import { FEATURE_GROUPS, FEATURE_SCREENS } from '../features';
import { canSeeScreen } from '../features/types';
import { enumLabel } from './StatusTag';

interface NavLeaf {
  key: Screen;
  path: string;
  label: Key;
}
interface NavGroup {
  key: string;
  label: Key;
  icon: React.ReactNode;
  children: NavLeaf[];
}

export const NAV: NavGroup[] = [
  { key: 'g-dashboard', label: 'nav.dashboard', icon: <DashboardOutlined />, children: [{ key: 'dashboard', path: '/', label: 'nav.dashboard' }] },
  {
    key: 'g-members',
    label: 'nav.membersGroup',
    icon: <TeamOutlined />,
    children: [
      { key: 'members', path: '/members', label: 'nav.members' },
      { key: 'applications', path: '/applications', label: 'nav.applications' },
      { key: 'tiers', path: '/tiers', label: 'nav.tiers' },
    ],
  },
  {
    key: 'g-rules',
    label: 'nav.rulesGroup',
    icon: <SettingOutlined />,
    children: [
      { key: 'rules', path: '/rules', label: 'nav.rules' },
      { key: 'dryRun', path: '/dry-run', label: 'nav.dryRun' },
    ],
  },
  { key: 'g-products', label: 'nav.products', icon: <ShoppingOutlined />, children: [{ key: 'products', path: '/products', label: 'nav.products' }] },
  {
    key: 'g-orders',
    label: 'nav.ordersGroup',
    icon: <FileTextOutlined />,
    children: [
      { key: 'orders', path: '/orders', label: 'nav.orders' },
      { key: 'refunds', path: '/refunds', label: 'nav.refunds' },
      { key: 'refundRequests', path: '/refund-requests', label: 'nav.refundRequests' },
    ],
  },
  {
    key: 'g-finance',
    label: 'nav.financeGroup',
    icon: <DollarOutlined />,
    children: [
      { key: 'payouts', path: '/payouts', label: 'nav.payouts' },
      { key: 'adjustments', path: '/adjustments', label: 'nav.adjustments' },
      { key: 'reconciliation', path: '/reconciliation', label: 'nav.reconciliation' },
    ],
  },
  { key: 'g-audit', label: 'nav.audit', icon: <AuditOutlined />, children: [{ key: 'audit', path: '/audit', label: 'nav.audit' }] },
  { key: 'g-security', label: 'nav.security', icon: <SafetyOutlined />, children: [{ key: 'security', path: '/security', label: 'nav.security' }] },
];

/** A menu leaf as shown: core screens and feature screens alike. */
interface MenuLeaf {
  key: string;
  path: string;
  label: string;
  visible: (me: Parameters<typeof canSeeScreen>[0], canSee: (s: Screen) => boolean) => boolean;
}
interface MenuGroup {
  key: string;
  label: string;
  icon: React.ReactNode;
  children: MenuLeaf[];
}

/** The core menu with each feature's screens added to their groups (features/index.ts). */
function buildMenu(): MenuGroup[] {
  const groups: MenuGroup[] = NAV.map((g) => ({
    key: g.key,
    label: g.label,
    icon: g.icon,
    children: g.children.map((l) => ({ key: l.key, path: l.path, label: l.label, visible: (_me, canSee) => canSee(l.key) })),
  }));
  const auditIndex = groups.findIndex((g) => g.key === 'g-audit');
  for (const fg of FEATURE_GROUPS) groups.splice(auditIndex < 0 ? groups.length : groups.findIndex((g) => g.key === 'g-audit'), 0, { ...fg, children: [] });
  for (const screen of FEATURE_SCREENS) {
    const group = groups.find((g) => g.key === screen.group) ?? groups[groups.length - 1];
    group.children.push({ key: screen.key, path: screen.path, label: screen.label, visible: (me) => canSeeScreen(me, screen) });
  }
  return groups.filter((g) => g.children.length > 0);
}

const MENU = buildMenu();

export function findNav(pathname: string): MenuLeaf | undefined {
  const leaves = MENU.flatMap((g) => g.children);
  return leaves.find((l) => (l.path === '/' ? pathname === '/' : pathname === l.path || pathname.startsWith(`${l.path}/`)));
}

function Brand({ collapsed }: { collapsed?: boolean }) {
  const t = useT();
  return (
    <div style={{ height: 56, display: 'flex', alignItems: 'center', gap: 10, padding: '0 20px', color: '#fff', whiteSpace: 'nowrap', overflow: 'hidden' }}>
      <div style={{ width: 28, height: 28, borderRadius: 6, background: 'linear-gradient(135deg,#ff7a45,#f5222d)', display: 'grid', placeItems: 'center', fontWeight: 700, flex: 'none' }}>分</div>
      {!collapsed && <span style={{ fontWeight: 600, fontSize: 16 }}>{t('app.title')}</span>}
    </div>
  );
}

export function AppLayout() {
  const t = useT();
  const { locale, setLocale } = useLocale();
  const { me, logout, canSee } = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  const mobile = useIsMobile();
  const [collapsed, setCollapsed] = useState(false);
  const [drawer, setDrawer] = useState(false);
  const { token } = theme.useToken();

  const current = findNav(location.pathname);
  const label = useCallback((key: string) => t.maybe(key) ?? key, [t]);

  const items: MenuProps['items'] = useMemo(
    () =>
      MENU.map((g) => {
        const leaves = g.children.filter((l) => l.visible(me, canSee));
        if (leaves.length === 0) return null;
        if (g.children.length === 1) return { key: leaves[0].path, icon: g.icon, label: label(leaves[0].label), 'data-testid': `nav-${leaves[0].key}` };
        return {
          key: g.key,
          icon: g.icon,
          label: label(g.label),
          children: leaves.map((l) => ({ key: l.path, label: label(l.label), 'data-testid': `nav-${l.key}` })),
        };
      }).filter(Boolean) as MenuProps['items'],
    [canSee, me, label],
  );

  const openGroup = MENU.find((g) => g.children.length > 1 && g.children.some((l) => l.key === current?.key))?.key;
  const [openKeys, setOpenKeys] = useState<string[]>(openGroup ? [openGroup] : []);

  const menu = (
    <Menu
      theme="dark"
      mode="inline"
      selectedKeys={current ? [current.path] : []}
      openKeys={collapsed && !mobile ? undefined : openKeys}
      onOpenChange={(keys) => setOpenKeys(keys as string[])}
      items={items}
      onClick={({ key }) => {
        navigate(key);
        setDrawer(false);
      }}
      data-testid="side-menu"
    />
  );

  const role = me?.hqRole ?? null;
  // the feature screens' strings load with the signed-in console, not with the login page
  const featureStrings = useFeatureStrings();
  if (!featureStrings) return <Spin fullscreen data-testid="console-loading" />;

  return (
    <Layout style={{ minHeight: '100vh' }}>
      {!mobile && (
        <Layout.Sider collapsible collapsed={collapsed} onCollapse={setCollapsed} width={220} breakpoint="xl" style={{ position: 'sticky', top: 0, height: '100vh', overflow: 'auto' }}>
          <Brand collapsed={collapsed} />
          {menu}
        </Layout.Sider>
      )}
      {mobile && (
        <Drawer open={drawer} onClose={() => setDrawer(false)} placement="left" size={240} styles={{ body: { padding: 0, background: '#001529' }, header: { display: 'none' } }}>
          <Brand />
          {menu}
        </Drawer>
      )}
      <Layout>
        <Layout.Header
          style={{
            position: 'sticky',
            top: 0,
            zIndex: 10,
            background: token.colorBgContainer,
            padding: mobile ? '0 12px' : '0 24px',
            display: 'flex',
            alignItems: 'center',
            gap: 12,
            borderBottom: `1px solid ${token.colorBorderSecondary}`,
            height: 56,
            lineHeight: '56px',
          }}
        >
          {mobile && <Button type="text" icon={<MenuOutlined />} onClick={() => setDrawer(true)} aria-label={t('nav.menu')} data-testid="nav-toggle" />}
          <Typography.Title level={5} style={{ margin: 0, flex: 1, minWidth: 0, whiteSpace: 'nowrap', overflow: 'hidden', textOverflow: 'ellipsis' }} data-testid="page-title">
            {current ? label(current.label) : ''}
          </Typography.Title>
          <Segmented
            size="small"
            value={locale}
            onChange={(v) => setLocale(v as 'zh' | 'en')}
            options={[
              { label: '中文', value: 'zh' },
              { label: 'EN', value: 'en' },
            ]}
            data-testid="locale-switch"
          />
          <Dropdown
            menu={{
              items: [
                { key: 'security', icon: <SafetyOutlined />, label: <span data-testid="user-menu-security">{t('nav.security')}</span>, onClick: () => navigate('/security') },
                { key: 'logout', icon: <LogoutOutlined />, label: t('auth.logout'), onClick: () => { logout(); navigate('/login'); } },
              ],
            }}
          >
            <Space style={{ cursor: 'pointer' }} data-testid="user-menu">
              <Avatar size="small" icon={<UserOutlined />} style={{ background: token.colorPrimary }} />
              {!mobile && <span>{me?.nickname}</span>}
              {role && <Tag color="blue" style={{ marginInlineEnd: 0 }} data-testid="user-role">{enumLabel(t, 'role', role)}</Tag>}
            </Space>
          </Dropdown>
        </Layout.Header>
        <Layout.Content style={{ padding: mobile ? 12 : 24, minWidth: 0 }}>
          <Outlet />
        </Layout.Content>
      </Layout>
    </Layout>
  );
}
