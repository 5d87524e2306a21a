export { changepointIndices, defaultFourierOrder } from './design.ts';
export { type ProphetConfig, prophetModel } from './model.ts';
