import type { NotificationEvent } from '../../domain/notification-event.js';

/** The JSON a target of `type` is sent for a message. */
export function notificationBody(type: 'webhook' | 'slack', message: { event: NotificationEvent; text: string; link: string; createdAt: Date }): unknown {
  if (type === 'slack') {
    // Slack's markup: & < > escaped, links as <url|label>.
    const escaped = message.text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    return { text: `${escaped} <${message.link}|Open in custsync>` };
  }
  return { event: message.event.type, text: message.text, link: message.link, details: message.event, at: message.createdAt.toISOString() };
}
