// The agency application as the API returns it (src/modules/agencies/schema.ts).
export const applicationStatuses = ['draft', 'submitted', 'quoted', 'payment_declared', 'activated', 'contract_sent', 'contract_received', 'countersigned', 'rejected', 'cancelled'] as const;
export type ApplicationStatus = (typeof applicationStatuses)[number];
export const documentKinds = ['national_card', 'company_registration', 'official_gazette', 'business_license', 'other'] as const;
export type DocumentKind = (typeof documentKinds)[number];

export type Application = {
  id: string;
  applicantId: string;
  parentId: string;
  status: ApplicationStatus;
  businessName: string;
  legalType: 'natural' | 'legal';
  nationalNumber: string;
  address: string;
  phone: string;
  email: string | null;
  plan: string;
  fee: string | null;
  renewalFee: string | null;
  quoteNote: string | null;
  paymentMethod: string | null;
  paymentReference: string | null;
  activatedAt: string | null;
  validUntil: string | null;
  contractNumber: string | null;
  contractSentAt: string | null;
  contractUrl: string | null;
  signedPostedOn: string | null;
  signedTracking: string | null;
  receivedOn: string | null;
  countersignedOn: string | null;
  countersignedTracking: string | null;
  reason: string | null;
  createdAt: string;
  updatedAt: string;
};

export type ApplicationEvent = { from: string | null; to: string; actorId: string | null; reason: string | null; details: Record<string, unknown>; at: string };
export type ApplicationDocument = { id: string; kind: string; filename: string; contentType: string; size: number; url: string };
export type ApplicationDetail = Application & { events: ApplicationEvent[]; documents: ApplicationDocument[] };
export type ApplicationList = { items: Application[]; total: number; counts: Record<string, number> };

export const statusColor = (s: string) =>
  s === 'rejected' || s === 'cancelled' ? 'gray' : s === 'draft' ? 'blue' : s === 'countersigned' || s === 'activated' ? 'teal' : s === 'quoted' ? 'orange' : s === 'payment_declared' ? 'yellow' : 'grape';

/** Still open: the applicant may not start another one. */
export const isOpen = (s: ApplicationStatus) => s !== 'rejected' && s !== 'cancelled';
