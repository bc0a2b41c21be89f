// 商品图片: the product editor's picture manager. Pictures upload as they are chosen (antd Upload →
// POST /api/admin/media with the session's token); the product's pictures are one ordered row whose
// first is the main picture (moved by the arrows, or made main with the star), and the detail
// pictures (详情图) a second row shown below the description in the shop. The editor saves both
// with PUT /api/admin/products/:id/images (imagesBody).
import { ArrowLeftOutlined, ArrowRightOutlined, DeleteOutlined, LoadingOutlined, PlusOutlined, StarOutlined } from '@ant-design/icons';
import { App, Button, Tooltip, Typography, Upload } from 'antd';
import type { Dispatch, SetStateAction } from 'react';
import { uploadFile } from '../api';
import { describeError } from '../hooks';
import { useT } from '../i18n';
import type { MediaImage, Product } from '../types';

export type Kind = 'pictures' | 'detail';

export interface ImageLists {
  /** [0] is the main picture, the rest the gallery */
  pictures: MediaImage[];
  detail: MediaImage[];
  /** uploads still on their way, per row */
  pending: Record<Kind, number>;
}

export const ACCEPTED_PICTURES = 'image/jpeg,image/png,image/webp,image/gif';

export function imageListsOf(p: Product | null | undefined): ImageLists {
  const images = p?.images;
  return { pictures: images ? [...(images.main ? [images.main] : []), ...images.gallery] : [], detail: images ? [...images.detail] : [], pending: { pictures: 0, detail: 0 } };
}

/** The body of PUT /api/admin/products/:id/images. */
export function imagesBody(lists: ImageLists) {
  return { main: lists.pictures[0]?.id ?? null, gallery: lists.pictures.slice(1).map((p) => p.id), detail: lists.detail.map((p) => p.id) };
}

/** Whether the lists differ from the product's saved pictures. */
export function imagesChanged(lists: ImageLists, p: Product | null | undefined): boolean {
  return JSON.stringify(imagesBody(lists)) !== JSON.stringify(imagesBody(imageListsOf(p)));
}

function moved<T>(list: T[], from: number, to: number): T[] {
  const next = [...list];
  const [item] = next.splice(from, 1);
  next.splice(to, 0, item);
  return next;
}

const CARD = { width: 104, height: 104, borderRadius: 8, border: '1px solid #f0f0f0', position: 'relative' as const, overflow: 'hidden', background: '#fafafa' };

function PictureRow({ kind, lists, setLists, limit }: { kind: Kind; lists: ImageLists; setLists: Dispatch<SetStateAction<ImageLists>>; limit: number }) {
  const t = useT();
  const { message } = App.useApp();
  const list = lists[kind];
  const update = (fn: (l: MediaImage[]) => MediaImage[]) => setLists((v) => ({ ...v, [kind]: fn(v[kind]) }));
  const upload = async (file: File) => {
    setLists((v) => ({ ...v, pending: { ...v.pending, [kind]: v.pending[kind] + 1 } }));
    try {
      const image = await uploadFile<MediaImage>('/api/admin/media', file, file.name);
      update((l) => [...l, image]);
    } catch (e) {
      message.error(t('products.uploadFailed', { name: file.name, reason: describeError(e, t) }));
    } finally {
      setLists((v) => ({ ...v, pending: { ...v.pending, [kind]: v.pending[kind] - 1 } }));
    }
  };
  return (
    <div style={{ display: 'flex', flexWrap: 'wrap', gap: 8 }} data-testid={`product-images-${kind}`}>
      {list.map((image, i) => (
        <div key={image.id} style={CARD} data-testid="product-image" data-media-id={image.id}>
          <img src={image.thumb.url} alt="" style={{ width: '100%', height: '100%', objectFit: 'cover' }} />
          {kind === 'pictures' && i === 0 && (
            <span style={{ position: 'absolute', left: 0, top: 0, background: '#ff4d2d', color: '#fff', fontSize: 12, padding: '0 6px', borderBottomRightRadius: 8 }} data-testid="product-image-main">
              {t('products.mainImage')}
            </span>
          )}
          <div style={{ position: 'absolute', left: 0, right: 0, bottom: 0, display: 'flex', justifyContent: 'space-around', background: 'rgba(0,0,0,.45)' }}>
            <Tooltip title={t('products.moveEarlier')}>
              <Button type="text" size="small" icon={<ArrowLeftOutlined style={{ color: '#fff' }} />} disabled={i === 0} onClick={() => update((l) => moved(l, i, i - 1))} aria-label={t('products.moveEarlier')} data-testid="product-image-earlier" />
            </Tooltip>
            {kind === 'pictures' && (
              <Tooltip title={t('products.setMain')}>
                <Button type="text" size="small" icon={<StarOutlined style={{ color: '#fff' }} />} disabled={i === 0} onClick={() => update((l) => moved(l, i, 0))} aria-label={t('products.setMain')} data-testid="product-image-set-main" />
              </Tooltip>
            )}
            <Tooltip title={t('products.moveLater')}>
              <Button type="text" size="small" icon={<ArrowRightOutlined style={{ color: '#fff' }} />} disabled={i === list.length - 1} onClick={() => update((l) => moved(l, i, i + 1))} aria-label={t('products.moveLater')} data-testid="product-image-later" />
            </Tooltip>
            <Tooltip title={t('products.removeImage')}>
              <Button type="text" size="small" icon={<DeleteOutlined style={{ color: '#fff' }} />} onClick={() => update((l) => l.filter((x) => x.id !== image.id))} aria-label={t('products.removeImage')} data-testid="product-image-remove" />
            </Tooltip>
          </div>
        </div>
      ))}
      {list.length < limit && (
        <Upload
          accept={ACCEPTED_PICTURES}
          multiple
          showUploadList={false}
          customRequest={({ file, onSuccess }) => {
            void upload(file as File).then(() => onSuccess?.(null));
          }}
        >
          <button type="button" style={{ ...CARD, cursor: 'pointer', display: 'flex', flexDirection: 'column', alignItems: 'center', justifyContent: 'center', gap: 4, border: '1px dashed #d9d9d9' }} data-testid={`product-images-upload-${kind}`}>
            {lists.pending[kind] > 0 ? <LoadingOutlined /> : <PlusOutlined />}
            <span style={{ fontSize: 12 }}>{lists.pending[kind] > 0 ? t('products.uploading') : t('products.upload')}</span>
          </button>
        </Upload>
      )}
    </div>
  );
}

/** Both rows with their headings and hints. */
export function ProductImagesEditor({ lists, setLists }: { lists: ImageLists; setLists: Dispatch<SetStateAction<ImageLists>> }) {
  const t = useT();
  return (
    <div style={{ marginBottom: 16 }} data-testid="product-images">
      <Typography.Text strong>{t('products.images')}</Typography.Text>
      <div style={{ margin: '4px 0 8px' }}>
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('products.imagesHint')}</Typography.Text>
      </div>
      <PictureRow kind="pictures" lists={lists} setLists={setLists} limit={21} />
      <div style={{ marginTop: 16 }}>
        <Typography.Text strong>{t('products.detailImages')}</Typography.Text>
      </div>
      <div style={{ margin: '4px 0 8px' }}>
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('products.detailImagesHint')}</Typography.Text>
      </div>
      <PictureRow kind="detail" lists={lists} setLists={setLists} limit={50} />
    </div>
  );
}
