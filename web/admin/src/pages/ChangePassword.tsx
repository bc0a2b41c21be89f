// Changing the password: the form (also on 账号安全) and /change-password, the screen a one-time password
// (npm run create-owner) or a 403 PASSWORD_CHANGE_REQUIRED leads to before anything else.
import { LockOutlined, LogoutOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Form, Input, Spin, Typography } from 'antd';
import { useState } from 'react';
import { Navigate, useLocation, useNavigate } from 'react-router-dom';
import { api, ApiError } from '../api';
import { authErrorText, useAuth } from '../auth';
import { useT } from '../i18n';
import type { AuthResult } from '../types';

interface Values {
  currentPassword?: string;
  newPassword: string;
  confirm: string;
}

/** Current password (when the account has one), the new one twice; the answer's tokens replace the session's. */
export function ChangePasswordForm({ onDone }: { onDone?: () => void }) {
  const t = useT();
  const { message } = App.useApp();
  const { me, applySession } = useAuth();
  const [form] = Form.useForm<Values>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const needsCurrent = me?.hasPassword !== false;

  const onFinish = async (v: Values) => {
    setBusy(true);
    setError(null);
    try {
      const res = await api.post<AuthResult>('/api/me/password', { ...(needsCurrent ? { currentPassword: v.currentPassword } : {}), newPassword: v.newPassword });
      await applySession(res);
      form.resetFields();
      message.success(t('password.changed'));
      onDone?.();
    } catch (e) {
      setError(e instanceof ApiError && e.code === 'INVALID_CREDENTIALS' ? t('password.wrongCurrent') : authErrorText(e, t));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Form form={form} layout="vertical" onFinish={onFinish} requiredMark={false} style={{ maxWidth: 400 }} data-testid="password-form">
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} data-testid="password-error" />}
      {needsCurrent && (
        <Form.Item name="currentPassword" label={t('password.current')} rules={[{ required: true, message: t('auth.passwordRequired') }]}>
          <Input.Password prefix={<LockOutlined />} autoComplete="current-password" data-testid="password-current" />
        </Form.Item>
      )}
      <Form.Item
        name="newPassword"
        label={t('password.new')}
        rules={[
          { required: true, message: t('password.newRequired') },
          { min: 8, max: 64, message: t('password.tooShort') },
        ]}
      >
        <Input.Password prefix={<LockOutlined />} autoComplete="new-password" data-testid="password-new" />
      </Form.Item>
      <Form.Item
        name="confirm"
        label={t('password.confirm')}
        dependencies={['newPassword']}
        rules={[
          { required: true, message: t('password.newRequired') },
          ({ getFieldValue }) => ({ validator: (_r, value) => (!value || value === getFieldValue('newPassword') ? Promise.resolve() : Promise.reject(new Error(t('password.mismatch')))) }),
        ]}
      >
        <Input.Password prefix={<LockOutlined />} autoComplete="new-password" data-testid="password-confirm" />
      </Form.Item>
      <Button type="primary" htmlType="submit" loading={busy} data-testid="password-submit">
        {t('password.submit')}
      </Button>
    </Form>
  );
}

export default function ChangePasswordPage() {
  const t = useT();
  const { me, loading, logout, passwordChangeRequired } = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  const from = (location.state as { from?: string } | null)?.from ?? '/';
  if (loading) return <div style={{ padding: 80, textAlign: 'center' }}><Spin size="large" /></div>;
  if (!me) return <Navigate to="/login" replace />;
  return (
    <div style={{ minHeight: '100vh', display: 'grid', placeItems: 'center', padding: 16, background: 'linear-gradient(160deg,#f0f5ff 0%,#fff 50%,#fff7e6 100%)' }} data-testid="change-password-page">
      <Card style={{ width: '100%', maxWidth: 440 }}>
        <Typography.Title level={4} style={{ marginTop: 0 }}>{passwordChangeRequired ? t('password.forcedTitle') : t('password.title')}</Typography.Title>
        {passwordChangeRequired && <Alert type="warning" showIcon title={t('password.forcedHint')} style={{ marginBottom: 16 }} data-testid="password-required" />}
        <ChangePasswordForm onDone={() => navigate(from, { replace: true })} />
        <Button
          type="link"
          icon={<LogoutOutlined />}
          style={{ padding: 0, marginTop: 16 }}
          onClick={() => {
            logout();
            navigate('/login', { replace: true });
          }}
          data-testid="password-logout"
        >
          {t('auth.logout')}
        </Button>
      </Card>
    </div>
  );
}
