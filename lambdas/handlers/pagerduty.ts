/**
 * Lambda entry point of the PagerDuty alerter (bundle `pagerduty`): SNS records -> Events API v2.
 * The routing key is read from the SSM SecureString named by ROOTWATCH_PAGERDUTY_ROUTING_KEY_PARAMETER.
 */
import { PAGERDUTY_CHANNEL, createAlerterHandler } from '../alerter';

export const handler = createAlerterHandler(PAGERDUTY_CHANNEL);
