/**
 * Lambda entry point of the Slack alerter (bundle `slack`): SNS records -> Slack incoming webhook.
 * The webhook URL is read from the SSM SecureString named by ROOTWATCH_SLACK_WEBHOOK_PARAMETER.
 */
import { SLACK_CHANNEL, createAlerterHandler } from '../alerter';

export const handler = createAlerterHandler(SLACK_CHANNEL);
