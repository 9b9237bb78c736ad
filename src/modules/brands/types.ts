// What other modules know of brands: their shapes, without reaching into the brands repo.
export type BrandSettings = {
  primaryColor?: string;
  secondaryColor?: string;
  logoUrl?: string;
  faviconUrl?: string;
  supportPhone?: string;
  supportEmail?: string;
  website?: string;
  addressFa?: string;
  addressEn?: string;
  signInTitleFa?: string;
  signInTitleEn?: string;
  signInTextFa?: string;
  signInTextEn?: string;
  footerFa?: string;
  footerEn?: string;
  /** appended to system SMS and e-mails; default: the brand's name and support phone */
  smsSignatureFa?: string;
  smsSignatureEn?: string;
};

export type Brand = {
  id: string;
  accountId: string;
  nameFa: string;
  nameEn: string;
  settings: BrandSettings;
};

export type BrandHostStatus = 'pending' | 'verified' | 'active' | 'failed';
export type BrandHost = { host: string; brandId: string; status: BrandHostStatus; verifyToken: string };
