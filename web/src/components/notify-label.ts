// Notifications are shown from outside React's tree; the i18n provider keeps their close label current.
let closeLabel = '';

export function setNotificationCloseLabel(label: string) {
  closeLabel = label;
}

export function notificationCloseLabel(): string {
  return closeLabel;
}
