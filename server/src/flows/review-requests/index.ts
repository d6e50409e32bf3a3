/**
 * Review requests: N days after an order is delivered, one e-mail invites its customer to review what
 * they bought (orders + reviews + mail). Other code imports only from here.
 */
export { sweepReviewRequests } from "./review-requests.ts";
