// What a member sees of an inbox row, in the list and on the live stream.
export interface NotificationView {
  id: number;
  kind: string;
  title: string;
  body: string;
  amountFen: number | null;
  readAt: Date | null;
  createdAt: Date;
}

export const NOTIFICATION_COLUMNS = ['id', 'kind', 'title', 'body', 'amount_fen', 'read_at', 'created_at'] as const;

export function toView(row: { id: number; kind: string; title: string; body: string; amount_fen: number | null; read_at: Date | null; created_at: Date }): NotificationView {
  return { id: row.id, kind: row.kind, title: row.title, body: row.body, amountFen: row.amount_fen, readAt: row.read_at, createdAt: row.created_at };
}
