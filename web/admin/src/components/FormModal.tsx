// A modal around an antd Form: OK submits, the modal closes only when onSubmit reports success.
import { Form, Input, Modal, type FormInstance } from 'antd';
import { useEffect, useState, type ReactNode } from 'react';
import { useT } from '../i18n';

export interface FormModalProps<V> {
  open: boolean;
  title: ReactNode;
  onClose: () => void;
  /** resolve true (or a value) to close; false/undefined keeps the modal open */
  onSubmit: (values: V) => Promise<unknown>;
  initialValues?: Partial<V>;
  okText?: ReactNode;
  danger?: boolean;
  width?: number;
  testId?: string;
  children: ReactNode | ((form: FormInstance<V>) => ReactNode);
}

export function FormModal<V extends object>({ open, title, onClose, onSubmit, initialValues, okText, danger, width, testId, children }: FormModalProps<V>) {
  const [form] = Form.useForm<V>();
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (open) {
      form.resetFields();
      if (initialValues) form.setFieldsValue(initialValues as Parameters<typeof form.setFieldsValue>[0]);
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [open]);
  return (
    <Modal
      open={open}
      title={title}
      onCancel={onClose}
      onOk={() => form.submit()}
      confirmLoading={busy}
      okText={okText}
      okButtonProps={testId ? { danger, 'data-testid': `${testId}-ok` } : { danger }}
      forceRender
      width={width}
    >
      <Form<V>
        form={form}
        layout="vertical"
        data-testid={testId}
        onFinish={async (values) => {
          setBusy(true);
          try {
            const ok = await onSubmit(values);
            if (ok) onClose();
          } finally {
            setBusy(false);
          }
        }}
      >
        {typeof children === 'function' ? children(form) : children}
      </Form>
    </Modal>
  );
}

/** The reason every audited HQ action carries (2–500 characters, as the server requires). */
export function ReasonField({ name = 'reason', required = true, label }: { name?: string; required?: boolean; label?: ReactNode }) {
  const t = useT();
  return (
    <Form.Item
      name={name}
      label={label ?? t('common.reason')}
      rules={[
        { required, whitespace: true, message: t('common.reasonRequired') },
        { min: 2, max: 500, message: t('common.reasonLength') },
      ]}
    >
      <Input.TextArea rows={3} maxLength={500} showCount placeholder={t('common.reasonPlaceholder')} data-testid="reason-input" />
    </Form.Item>
  );
}
