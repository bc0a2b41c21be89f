// The banner list of 店铺装修: each banner's picture (uploaded like a product's, POST /api/admin/media),
// title, where a tap goes (a product, a category, a shop page) and an optional time window; added,
// removed and reordered here, saved with the rest of the decoration.
import { ArrowDownOutlined, ArrowUpOutlined, DeleteOutlined, LoadingOutlined, PlusOutlined } from '@ant-design/icons';
import { App, AutoComplete, Button, DatePicker, Input, Select, Space, Tooltip, Typography, Upload } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { uploadFile } from '../../api';
import { ACCEPTED_PICTURES } from '../../components/ProductImages';
import { describeError, useApi } from '../../hooks';
import { useFeatureT, useT } from '../../i18n';
import type { MediaImage, Product } from '../../types';
import { moved } from './keys';

export type LinkKind = 'none' | 'product' | 'category' | 'path';

export interface BannerDraft {
  /** the editor's own key (a picture may be on two banners) */
  uid: string;
  image: MediaImage;
  title: string;
  linkKind: LinkKind;
  productId: number | null;
  category: string;
  path: string;
  startsAt: Dayjs | null;
  endsAt: Dayjs | null;
}

let uidCounter = 0;
export const newUid = () => `b${++uidCounter}`;

export function BannerEditor({ banners, setBanners, max }: { banners: BannerDraft[]; setBanners: (fn: (b: BannerDraft[]) => BannerDraft[]) => void; max: number }) {
  const t = useFeatureT();
  const coreT = useT();
  const { message } = App.useApp();
  const [uploading, setUploading] = useState(0);
  const products = useApi<{ items: Product[] }>('/api/admin/products', { limit: 100 });
  const categories = useApi<{ items: Array<{ name: string }> }>('/api/categories');
  const update = (uid: string, patch: Partial<BannerDraft>) => setBanners((list) => list.map((b) => (b.uid === uid ? { ...b, ...patch } : b)));
  const upload = async (file: File) => {
    setUploading((n) => n + 1);
    try {
      const image = await uploadFile<MediaImage>('/api/admin/media', file, file.name);
      setBanners((list) => (list.length >= max ? list : [...list, { uid: newUid(), image, title: '', linkKind: 'none', productId: null, category: '', path: '', startsAt: null, endsAt: null }]));
    } catch (e) {
      message.error(describeError(e, coreT));
    } finally {
      setUploading((n) => n - 1);
    }
  };
  const productOptions = (products.data?.items ?? []).map((p) => ({ value: p.id, label: `#${p.id} ${p.title}` }));
  const categoryOptions = (categories.data?.items ?? []).map((c) => ({ value: c.name }));

  return (
    <div data-testid="decoration-banners">
      <Typography.Paragraph type="secondary">{t('decoration.bannersHint', { n: max })}</Typography.Paragraph>
      {banners.length === 0 && <Typography.Paragraph type="secondary" data-testid="decoration-no-banners">{t('decoration.noBanners')}</Typography.Paragraph>}
      <Space orientation="vertical" size={12} style={{ width: '100%' }}>
        {banners.map((b, i) => (
          <div key={b.uid} data-testid="decoration-banner" data-media-id={b.image.id} style={{ display: 'flex', gap: 12, flexWrap: 'wrap', padding: 12, border: '1px solid #f0f0f0', borderRadius: 8 }}>
            <img src={b.image.thumb.url} alt="" style={{ width: 160, height: 64, objectFit: 'cover', borderRadius: 6, background: '#fafafa' }} />
            <Space orientation="vertical" size={8} style={{ flex: 1, minWidth: 260 }}>
              <Input value={b.title} maxLength={40} placeholder={t('decoration.title')} onChange={(e) => update(b.uid, { title: e.target.value })} data-testid="decoration-banner-title" />
              <Space.Compact style={{ width: '100%' }}>
                <Select<LinkKind>
                  value={b.linkKind}
                  style={{ width: 120 }}
                  onChange={(linkKind) => update(b.uid, { linkKind })}
                  data-testid="decoration-banner-link-kind"
                  options={(['none', 'product', 'category', 'path'] as const).map((k) => ({ value: k, label: t(`decoration.link.${k}`) }))}
                />
                {b.linkKind === 'product' && (
                  <Select<number>
                    showSearch={{ optionFilterProp: 'label' }}
                    value={b.productId ?? undefined}
                    placeholder={t('decoration.link.pickProduct')}
                    style={{ flex: 1 }}
                    onChange={(productId) => update(b.uid, { productId })}
                    options={productOptions}
                    data-testid="decoration-banner-product"
                  />
                )}
                {b.linkKind === 'category' && (
                  <AutoComplete value={b.category} options={categoryOptions} style={{ flex: 1 }} placeholder={t('decoration.link.pickCategory')} onChange={(category: string) => update(b.uid, { category })} data-testid="decoration-banner-category" />
                )}
                {b.linkKind === 'path' && <Input value={b.path} placeholder={t('decoration.link.pathPlaceholder')} onChange={(e) => update(b.uid, { path: e.target.value.trim() })} data-testid="decoration-banner-path" />}
              </Space.Compact>
              <Space wrap size={8}>
                <Typography.Text type="secondary">{t('decoration.window')}</Typography.Text>
                <DatePicker showTime value={b.startsAt} placeholder={t('decoration.start')} onChange={(v) => update(b.uid, { startsAt: v })} data-testid="decoration-banner-start" />
                <DatePicker showTime value={b.endsAt} placeholder={t('decoration.end')} onChange={(v) => update(b.uid, { endsAt: v })} data-testid="decoration-banner-end" />
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('decoration.windowHint')}</Typography.Text>
              </Space>
            </Space>
            <Space orientation="vertical" size={4}>
              <Tooltip title={t('decoration.moveUp')}>
                <Button size="small" icon={<ArrowUpOutlined />} disabled={i === 0} onClick={() => setBanners((l) => moved(l, i, i - 1))} aria-label={t('decoration.moveUp')} data-testid="decoration-banner-up" />
              </Tooltip>
              <Tooltip title={t('decoration.moveDown')}>
                <Button size="small" icon={<ArrowDownOutlined />} disabled={i === banners.length - 1} onClick={() => setBanners((l) => moved(l, i, i + 1))} aria-label={t('decoration.moveDown')} data-testid="decoration-banner-down" />
              </Tooltip>
              <Tooltip title={t('decoration.remove')}>
                <Button size="small" danger icon={<DeleteOutlined />} onClick={() => setBanners((l) => l.filter((x) => x.uid !== b.uid))} aria-label={t('decoration.remove')} data-testid="decoration-banner-remove" />
              </Tooltip>
            </Space>
          </div>
        ))}
      </Space>
      {banners.length < max && (
        <Upload accept={ACCEPTED_PICTURES} multiple showUploadList={false} customRequest={({ file, onSuccess }) => void upload(file as File).then(() => onSuccess?.(null))}>
          <Button icon={uploading > 0 ? <LoadingOutlined /> : <PlusOutlined />} style={{ marginTop: 12 }} data-testid="decoration-banner-add">
            {uploading > 0 ? t('decoration.uploading') : t('decoration.addBanner')}
          </Button>
        </Upload>
      )}
    </div>
  );
}
