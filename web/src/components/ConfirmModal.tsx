// Asks before something that cannot be taken back (revoking a key, suspending an account).
import { Button, Group, Modal, Text } from '@mantine/core';
import { useI18n } from '../i18n/i18n.tsx';

export function ConfirmModal(props: { opened: boolean; title: string; message: string; confirmLabel: string; busy?: boolean; onConfirm(): void; onClose(): void }) {
  const { t } = useI18n();
  return (
    <Modal opened={props.opened} onClose={props.onClose} title={props.title} centered closeButtonProps={{ 'aria-label': t('common.close') }}>
      <Text size="sm" mb="lg">
        {props.message}
      </Text>
      <Group justify="flex-end">
        <Button variant="default" onClick={props.onClose}>
          {t('common.cancel')}
        </Button>
        <Button color="red" loading={props.busy} onClick={props.onConfirm}>
          {props.confirmLabel}
        </Button>
      </Group>
    </Modal>
  );
}
