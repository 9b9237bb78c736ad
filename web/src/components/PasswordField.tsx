// Mantine's PasswordInput with its show/hide button named in the panel's language.
import { PasswordInput, type PasswordInputProps } from '@mantine/core';
import { useI18n } from '../i18n/i18n.tsx';

export function PasswordField(props: PasswordInputProps) {
  const { t } = useI18n();
  return <PasswordInput visibilityToggleButtonProps={{ 'aria-label': t('common.showPassword') }} {...props} />;
}
