// 待办 on the dashboard: one card per thing waiting for the signed-in role (GET /api/admin/todo answers only what
// the role can act on), each opening the list it counts, filtered through the URL. Refreshed every minute and
// when the window comes back into focus; a role with nothing to act on (the auditor) sees no row.
import {
  AppstoreAddOutlined,
  AuditOutlined,
  CarOutlined,
  CheckCircleOutlined,
  CustomerServiceOutlined,
  ExclamationCircleOutlined,
  GiftOutlined,
  LockOutlined,
  ReloadOutlined,
  RollbackOutlined,
  SafetyCertificateOutlined,
  ShoppingCartOutlined,
  UserAddOutlined,
  WalletOutlined,
  WarningOutlined,
} from '@ant-design/icons';
import { Alert, Button, Card, Col, Row, Space, Typography } from 'antd';
import { useEffect, type ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { formatInt } from '../format';
import { describeError, useApi, useIsMobile } from '../hooks';
import { useFeatureT, useT } from '../i18n';
import type { ResponseOf } from '../../../shared/api';

type Todo = ResponseOf<'/api/admin/todo'>;
type TodoKey = Todo['items'][number]['key'];

const REFRESH_MS = 60_000;

/** Each card's icon and the filtered list it opens (the same filter the count uses). */
const CARDS: Record<TodoKey, { icon: ReactNode; to: string }> = {
  ordersToShip: { icon: <CarOutlined />, to: '/orders?toShip=true' },
  refundRequestsToReview: { icon: <CustomerServiceOutlined />, to: '/refund-requests?status=pending' },
  returnsToReceive: { icon: <RollbackOutlined />, to: '/refund-requests?status=returning' },
  refundsFailed: { icon: <ExclamationCircleOutlined />, to: '/refunds?status=failed' },
  payoutsToReview: { icon: <WalletOutlined />, to: '/payouts?status=reviewing&firstApproved=false' },
  payoutsFailed: { icon: <WarningOutlined />, to: '/payouts?status=failed' },
  approvalsAwaiting: { icon: <AuditOutlined />, to: '/approvals' },
  riskHolds: { icon: <SafetyCertificateOutlined />, to: '/risk-queue?status=held' },
  heldEarnings: { icon: <LockOutlined />, to: '/commission-earnings?held=true' },
  restocksToConfirm: { icon: <ShoppingCartOutlined />, to: '/dealers/restocks?status=awaiting_payment' },
  applicationsToReview: { icon: <UserAddOutlined />, to: '/applications?status=pending' },
  proposalsToReview: { icon: <AppstoreAddOutlined />, to: '/supplier-proposals?status=pending' },
  redemptionsToFulfil: { icon: <GiftOutlined />, to: '/loyalty/mall?tab=redemptions&status=pending' },
};

function TodoCard({ todoKey, count }: { todoKey: TodoKey; count: number }) {
  const ft = useFeatureT();
  const card = CARDS[todoKey];
  const done = count === 0;
  return (
    <Link to={card.to} data-testid={`todo-${todoKey}`} data-count={count} aria-label={`${ft(`todo.key.${todoKey}`)}: ${count}`}>
      <Card hoverable size="small" style={{ height: '100%', background: done ? '#fafafa' : undefined }} styles={{ body: { padding: 12 } }}>
        <div style={{ display: 'flex', alignItems: 'flex-start', gap: 10, minWidth: 0 }}>
          <span style={{ fontSize: 22, lineHeight: 1, color: done ? '#bfbfbf' : '#fa8c16' }}>{card.icon}</span>
          <div style={{ minWidth: 0, flex: 1 }}>
            <Typography.Text type={done ? 'secondary' : undefined} style={{ display: 'block', fontSize: 13 }} ellipsis>
              {ft(`todo.key.${todoKey}`)}
            </Typography.Text>
            {done ? (
              <Typography.Text type="secondary" style={{ fontSize: 13 }} data-testid={`todo-count-${todoKey}`}>
                <CheckCircleOutlined /> {ft('todo.done')}
              </Typography.Text>
            ) : (
              <Typography.Text strong style={{ fontSize: 22, color: '#d4380d', fontVariantNumeric: 'tabular-nums' }} data-testid={`todo-count-${todoKey}`}>
                {formatInt(count)}
              </Typography.Text>
            )}
          </div>
        </div>
      </Card>
    </Link>
  );
}

export function TodoRow() {
  const t = useT();
  const ft = useFeatureT();
  const mobile = useIsMobile();
  const todo = useApi<Todo>('/api/admin/todo');
  const { reload } = todo;
  useEffect(() => {
    const timer = window.setInterval(reload, REFRESH_MS);
    const onVisible = () => document.visibilityState === 'visible' && reload();
    window.addEventListener('focus', reload);
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      window.clearInterval(timer);
      window.removeEventListener('focus', reload);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [reload]);

  const items = todo.data?.items ?? [];
  if (todo.error) return <Alert type="error" showIcon title={describeError(todo.error, t)} style={{ marginBottom: 16 }} />;
  // nothing for this role to act on (or not loaded yet): no row at all
  if (items.length === 0) return null;
  return (
    <Card
      size="small"
      title={ft('todo.title')}
      style={{ marginBottom: 16 }}
      data-testid="dashboard-todo"
      extra={
        <Space size={8}>
          {!mobile && <Typography.Text type="secondary" style={{ fontSize: 12 }}>{ft('todo.hint')}</Typography.Text>}
          <Button size="small" type="text" icon={<ReloadOutlined spin={todo.loading} />} onClick={reload} aria-label={ft('todo.refresh')} data-testid="todo-refresh" />
        </Space>
      }
    >
      <Row gutter={[12, 12]}>
        {items.map((i) => (
          <Col key={i.key} xs={12} sm={8} lg={6} xxl={4}>
            <TodoCard todoKey={i.key} count={i.count} />
          </Col>
        ))}
      </Row>
    </Card>
  );
}
