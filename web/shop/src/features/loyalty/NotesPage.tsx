// 种草笔记: the feed of members' notes (optionally of one product), likes, and posting a note.
import { Button, Image, ImageViewer, Toast } from 'antd-mobile';
import { useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router-dom';
import { useAuth } from '../../auth';
import { Avatar, Empty, ErrorView, formatDate, LoadMore, Loading, SubPage, TextBox, TextField, toastError, usePaged } from '../../components';
import { useFeatureT } from '../../i18n';
import { loyaltyApi, type Note } from './loyaltyApi';
import { BagIcon, HeartIcon } from '../../icons';

function NoteCard({ note, onChange }: { note: Note; onChange: (n: Note) => void }) {
  const t = useFeatureT();
  const { me } = useAuth();
  const navigate = useNavigate();
  const [busy, setBusy] = useState(false);
  const toggleLike = async () => {
    if (!me) {
      navigate('/login');
      return;
    }
    setBusy(true);
    try {
      if (note.likedByMe) {
        const r = await loyaltyApi.unlike(note.id);
        onChange({ ...note, likedByMe: false, likeCount: r.likeCount });
      } else {
        const r = await loyaltyApi.like(note.id);
        onChange({ ...note, likedByMe: true, likeCount: r.likeCount });
      }
    } catch (e) {
      toastError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="card" style={{ padding: 12 }} data-testid={`note-${note.id}`}>
      <div style={{ display: 'flex', alignItems: 'center', gap: 8 }}>
        <Avatar src={note.authorAvatarUrl} name={note.authorName} size={28} />
        <span className="small">{note.authorName}</span>
        <span className="muted small" style={{ marginLeft: 'auto' }}>{formatDate(note.createdAt)}</span>
      </div>
      <div style={{ fontWeight: 600, margin: '8px 0 4px' }}>{note.title}</div>
      <div style={{ whiteSpace: 'pre-wrap' }}>{note.body}</div>
      {note.photoUrls.length > 0 && (
        <div style={{ display: 'grid', gridTemplateColumns: 'repeat(3, 1fr)', gap: 4, marginTop: 8 }}>
          {note.photoUrls.map((u, i) => (
            <Image key={u + i} src={u} fit="cover" style={{ aspectRatio: '1', borderRadius: 4 }} onClick={() => ImageViewer.Multi.show({ images: note.photoUrls, defaultIndex: i })} />
          ))}
        </div>
      )}
      <div style={{ display: 'flex', alignItems: 'center', marginTop: 8 }}>
        {note.productId && (
          <a className="small" onClick={() => navigate(`/product/${note.productId}`)} data-testid={`note-product-${note.id}`}>
            <BagIcon size={14} /> {note.productTitle}
          </a>
        )}
        <Button size="mini" fill={note.likedByMe ? 'solid' : 'outline'} color="danger" style={{ marginLeft: 'auto' }} loading={busy} disabled={note.mine} onClick={toggleLike} data-testid={`note-like-${note.id}`} data-liked={note.likedByMe}>
          <HeartIcon size={14} /> {note.likeCount}
        </Button>
      </div>
      {note.mine && note.rewardedAt && <div className="small" style={{ color: '#d48806', marginTop: 4 }}>{t('loyalty.notes.rewarded')}</div>}
    </div>
  );
}

export default function NotesPage() {
  const t = useFeatureT();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const productId = Number(params.get('productId')) || undefined;
  const [overrides, setOverrides] = useState<Record<number, Note>>({});
  const feed = usePaged((limit, offset) => loyaltyApi.feed(limit, offset, productId), [productId]);
  return (
    <SubPage
      title={t('loyalty.nav.notes')}
      testId="loyalty-notes-page"
      right={<Button size="mini" color="primary" onClick={() => navigate(productId ? `/notes/new?productId=${productId}` : '/notes/new')} data-testid="note-new">{t('loyalty.notes.post')}</Button>}
    >
      {feed.error ? <ErrorView error={feed.error} onRetry={feed.reload} /> : null}
      {feed.loading && !feed.items.length && <Loading />}
      {!feed.loading && !feed.items.length && !feed.error && <Empty text={t('loyalty.notes.empty')} />}
      {feed.items.map((n) => {
        const note = overrides[n.id] ?? n;
        return <NoteCard key={n.id} note={note} onChange={(x) => setOverrides((o) => ({ ...o, [x.id]: x }))} />;
      })}
      <LoadMore paged={feed} />
    </SubPage>
  );
}

export function PostNotePage() {
  const t = useFeatureT();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [title, setTitle] = useState('');
  const [body, setBody] = useState('');
  const [photos, setPhotos] = useState('');
  const [productId, setProductId] = useState(params.get('productId') ?? '');
  const [busy, setBusy] = useState(false);
  const photoUrls = photos.split(/\s+/).map((s) => s.trim()).filter(Boolean);
  const submit = async () => {
    if (!title.trim() || !body.trim()) {
      Toast.show({ content: t('loyalty.notes.required') });
      return;
    }
    if (photoUrls.length > 9) {
      Toast.show({ content: t('loyalty.notes.tooManyPhotos') });
      return;
    }
    setBusy(true);
    try {
      await loyaltyApi.postNote({ title: title.trim(), body: body.trim(), photoUrls, productId: Number(productId) || null });
      Toast.show({ icon: 'success', content: t('loyalty.notes.posted') });
      navigate('/notes');
    } catch (e) {
      toastError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <SubPage title={t('loyalty.notes.post')} testId="loyalty-post-note-page">
      <div className="card" style={{ padding: 12, display: 'grid', gap: 8 }}>
        <TextField value={title} onChange={setTitle} placeholder={t('loyalty.notes.titlePlaceholder')} maxLength={100} testId="note-title" />
        <TextBox value={body} onChange={setBody} placeholder={t('loyalty.notes.bodyPlaceholder')} maxLength={5000} rows={6} testId="note-body" />
        <TextBox value={photos} onChange={setPhotos} placeholder={t('loyalty.notes.photosPlaceholder')} rows={3} testId="note-photos" />
        <div className="muted small">{t('loyalty.notes.photoCount', { n: photoUrls.length })}</div>
        <TextField value={productId} onChange={setProductId} placeholder={t('loyalty.notes.productPlaceholder')} inputMode="numeric" testId="note-product" />
        <Button block color="primary" loading={busy} onClick={submit} data-testid="note-submit">{t('loyalty.notes.submit')}</Button>
      </div>
    </SubPage>
  );
}
