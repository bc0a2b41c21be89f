// 我的售后: the after-sales requests on the supplier's own lines, decided in its own console.
import { AfterSalesQueue } from '../../pages/RefundRequests';

export default function MyAfterSalesPage() {
  return <AfterSalesQueue desk="supplier" />;
}
